#!/usr/bin/env bash
# `npm run test:container` (also run by .ci/run): the container checks, against a real Docker engine.
#  1. Engine: Debian's docker.io is installed and dockerd started (overlay2) when missing, if this
#     runs as root; otherwise the checks are skipped with the reason (under CI=true they fail).
#     A dockerd started here keeps running for later runs (log: /var/log/dockerd.log).
#  2. Base images: reused when present, else pulled, else built locally (test/container/stand-ins.sh).
#  3. The relay and simulator images, built from a clean checkout of the working tree: the files git
#     would commit (tracked and new, nothing ignored: no node_modules, dist or data). Docker's layer
#     cache keeps the `npm ci` layer while package.json and package-lock.json are unchanged.
#  4. The checks (test/container/*.test.ts); then every container, volume and network this run made
#     is removed by id, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOCKER="${DOCKER:-/usr/bin/docker}"
export DOCKER_BUILDKIT=0 # the classic builder: BuildKit wants images from Docker Hub
RUN_ID="relay-ct-$(date +%s)-$$"
LABEL="hubspot-attendance-relay.test-run=$RUN_ID"
RELAY_IMAGE=attendance-relay:latest # the names docker-compose.yml and docker/k8s use
SIMULATOR_IMAGE=attendance-relay-hubspot-simulator:latest
BASE_IMAGE=node:20-bookworm-slim
logs="$(mktemp -d)"
started=$SECONDS
phase_start=$SECONDS

log() { echo "container checks: $*" >&2; }
phase() {
  log "$1 ($((SECONDS - phase_start)) s)"
  phase_start=$SECONDS
}
not_here() {
  if [ "${CI:-}" = true ]; then
    log "FAILED: $* (CI=true: the container checks may not be skipped)"
    exit 1
  fi
  log "SKIPPED: $*"
  exit 0
}
as_root() { [ "$(id -u)" = 0 ]; }

# Everything this run made: containers, volumes and networks with its label, and those of its compose project.
ours() {
  "$DOCKER" "$1" ls -q "${@:2}" --filter "label=$LABEL"
  "$DOCKER" "$1" ls -q "${@:2}" --filter "label=com.docker.compose.project=$RUN_ID-compose"
}
cleanup() {
  local status=$? containers volumes networks
  if [ "$status" != 0 ] && [ -n "${CHECKS:-}" ]; then kill -KILL -- "-$CHECKS" 2>/dev/null || true; fi
  if "$DOCKER" info >/dev/null 2>&1; then
    mapfile -t containers < <(ours container --all | sort -u)
    if [ "$status" != 0 ]; then
      for id in "${containers[@]}"; do
        log "last log lines of $("$DOCKER" inspect -f '{{.Name}}' "$id"):"
        "$DOCKER" logs --tail 25 "$id" 2>&1 | sed 's/^/    /' >&2 || true
      done
    fi
    if [ "${#containers[@]}" -gt 0 ]; then "$DOCKER" rm -f -v "${containers[@]}" >/dev/null || log "could not remove containers ${containers[*]}"; fi
    mapfile -t volumes < <(ours volume | sort -u)
    if [ "${#volumes[@]}" -gt 0 ]; then "$DOCKER" volume rm "${volumes[@]}" >/dev/null || log "could not remove volumes ${volumes[*]}"; fi
    mapfile -t networks < <(ours network | sort -u)
    if [ "${#networks[@]}" -gt 0 ]; then "$DOCKER" network rm "${networks[@]}" >/dev/null || log "could not remove networks ${networks[*]}"; fi
    log "cleaned up: ${#containers[@]} containers, ${#volumes[@]} volumes, ${#networks[@]} networks left behind by the checks"
  fi
  rm -rf "$logs"
  log "total $((SECONDS - started)) s"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_engine() {
  if [ ! -x "$DOCKER" ]; then
    if ! as_root || ! command -v apt-get >/dev/null; then not_here "no Docker engine at $DOCKER: install Debian's docker.io, or run this as root so it can"; fi
    log "installing Debian's docker.io"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null
  fi
  if ! "$DOCKER" info >/dev/null 2>&1; then
    as_root || not_here "the Docker engine cannot be reached (not running, or no permission) and starting it needs root"
    local dockerd
    dockerd="$(PATH="$PATH:/usr/sbin" command -v dockerd)" || not_here "no dockerd to start"
    log "starting $dockerd (overlay2, log in /var/log/dockerd.log); it stays up for later runs"
    setsid "$dockerd" --storage-driver overlay2 >>/var/log/dockerd.log 2>&1 </dev/null &
    for _ in $(seq 60); do
      if "$DOCKER" info >/dev/null 2>&1; then break; fi
      sleep 1
    done
    "$DOCKER" info >/dev/null 2>&1 || not_here "dockerd did not come up: see /var/log/dockerd.log"
  fi
  if "$DOCKER" compose version >/dev/null 2>&1; then
    COMPOSE="$DOCKER compose"
  else
    if ! command -v docker-compose >/dev/null; then
      as_root || not_here "no Docker Compose (the compose plugin or Debian's docker-compose)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose >/dev/null
    fi
    COMPOSE="$(command -v docker-compose)"
  fi
}

# A tree object of the working tree as `git add -A` would commit it (the real index is untouched).
checkout_tree() {
  local index
  index="$(mktemp)"
  rm -f "$index"
  GIT_INDEX_FILE="$index" git add -A
  GIT_INDEX_FILE="$index" git write-tree
  rm -f "$index"
}

build() {
  local target="$1" tag="$2" previous
  previous="$("$DOCKER" image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
  if ! git archive "$TREE" | "$DOCKER" build --network host --target "$target" -t "$tag" - >"$logs/build-$target.log" 2>&1; then
    tail -40 "$logs/build-$target.log" >&2
    log "FAILED: docker build --target $target"
    exit 1
  fi
  # The image this tag named before, with its untagged layers, unless something else uses it.
  if [ -n "$previous" ] && [ "$previous" != "$("$DOCKER" image inspect -f '{{.Id}}' "$tag")" ]; then
    "$DOCKER" image rm "$previous" >/dev/null 2>&1 || true
  fi
}

ensure_engine
phase "engine up: Docker $("$DOCKER" version -f '{{.Server.Version}}'), storage driver $("$DOCKER" info -f '{{.Driver}}'), compose: $COMPOSE"

if ! test/container/stand-ins.sh "$BASE_IMAGE" postgres:15-bookworm; then
  as_root && { log "FAILED: the base images"; exit 1; }
  not_here "the base images are missing, cannot be pulled, and building their stand-ins needs root"
fi
phase "base images ready"

if ! git rev-parse --git-dir >/dev/null 2>&1; then not_here "the image is built from a clean checkout, which needs git and this repository's .git"; fi
TREE="$(checkout_tree)"
# The build stage gets a tag too: the next run reuses its layers (npm ci), and the one it replaces
# (say, an npm ci layer from before a lockfile change) is removed instead of piling up untagged.
build build attendance-relay:build-cache
build runtime "$RELAY_IMAGE"
build hubspot-simulator "$SIMULATOR_IMAGE"
phase "images built from tree $TREE"
for image in "$RELAY_IMAGE" "$SIMULATOR_IMAGE" "$BASE_IMAGE"; do
  log "  $("$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$image")"
done

# In a process group of their own, so that cleanup can stop every worker of theirs first (a check
# still running would make containers after the clean-up).
set -m
CONTAINER_TEST_RUN="$RUN_ID" RELAY_IMAGE="$RELAY_IMAGE" SIMULATOR_IMAGE="$SIMULATOR_IMAGE" BASE_IMAGE="$BASE_IMAGE" COMPOSE="$COMPOSE" \
  node_modules/.bin/vitest run --config test/container/vitest.config.ts &
CHECKS=$!
set +m
wait "$CHECKS"
phase "checks passed"
