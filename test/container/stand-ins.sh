#!/usr/bin/env bash
# Makes sure the base images the container checks need exist:
#   test/container/stand-ins.sh node:20-bookworm-slim postgres:15-bookworm
# Each one is reused when present, else pulled; only when it cannot be pulled (no Docker Hub) is a
# local stand-in built from Debian's packages (debootstrap) and, for Node, this machine's Node 20.
# Building a stand-in needs root (debootstrap); it is tagged with the official name and labelled
# `hubspot-attendance-relay.stand-in` so `docker inspect` tells it apart.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
docker="${DOCKER:-/usr/bin/docker}"
log() { echo "container checks: $*" >&2; }

# Made here, not in a function: the functions run in $(…) subshells, whose variables do not come back.
scratch="$(mktemp -d /var/tmp/relay-stand-ins.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
scratch_dir() {
  mkdir -p "$scratch/$1"
  echo "$scratch/$1"
}

# debian:bookworm-slim: debootstrap's minimal variant without docs, man pages, locales or apt lists.
build_debian() {
  command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
  local rootfs
  rootfs="$(scratch_dir debian)/rootfs"
  log "building debian:bookworm-slim with debootstrap (about a minute)"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$scratch/debootstrap.log" 2>&1 ||
    { tail -20 "$scratch/debootstrap.log" >&2; return 1; }
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  # Keep later apt-get installs slim too (copyright files stay).
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
SLIM
  echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/no-recommends"
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale}/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/*.log
  tar -C "$rootfs" -c . | "$docker" import \
    --change 'CMD ["bash"]' \
    --change 'LABEL hubspot-attendance-relay.stand-in="debian:bookworm-slim from debootstrap --variant=minbase"' \
    - debian:bookworm-slim >/dev/null
}

# node:20-bookworm-slim: this machine's Node 20 laid out under /usr/local as in the official image.
build_node() {
  local version context
  version="$(node -p 'process.versions.node')"
  case "$version" in 20.*) ;; *) log "the stand-in needs this machine's Node 20, found $version"; return 1 ;; esac
  local prefix npm_dir
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  npm_dir="$prefix/lib/node_modules/npm"
  if [ ! -d "$prefix/include/node" ] || [ ! -d "$npm_dir" ]; then
    log "no Node headers or npm under $prefix"
    return 1
  fi
  ensure debian:bookworm-slim
  context="$(scratch_dir node)"
  mkdir -p "$context/overlay/usr/local/bin" "$context/overlay/usr/local/lib/node_modules" "$context/overlay/usr/local/include" \
    "$context/overlay/usr/local/etc" "$context/overlay/etc/ssl/certs"
  cp "$(command -v node)" "$context/overlay/usr/local/bin/node"
  cp -r "$npm_dir" "$context/overlay/usr/local/lib/node_modules/npm"
  if [ -d "$prefix/lib/node_modules/corepack" ]; then cp -r "$prefix/lib/node_modules/corepack" "$context/overlay/usr/local/lib/node_modules/"; fi
  cp -r "$prefix/include/node" "$context/overlay/usr/local/include/node"
  # The machine's CA bundle: npm inside the build reaches the registry through whatever TLS this
  # machine's network puts in front of it.
  cp /etc/ssl/certs/ca-certificates.crt "$context/overlay/etc/ssl/certs/"
  printf 'nodedir=/usr/local\ncafile=/etc/ssl/certs/ca-certificates.crt\n' >"$context/overlay/usr/local/etc/npmrc"
  cp "$here/stand-ins/node.Dockerfile" "$context/Dockerfile"
  log "building node:20-bookworm-slim from Node $version"
  DOCKER_BUILDKIT=0 "$docker" build -q --build-arg NODE_VERSION="$version" -t node:20-bookworm-slim "$context" >/dev/null
}

build_postgres() {
  ensure debian:bookworm-slim
  log "building postgres:15-bookworm from Debian's postgresql-15"
  DOCKER_BUILDKIT=0 "$docker" build -q --network host -f "$here/stand-ins/postgres.Dockerfile" -t postgres:15-bookworm "$here/stand-ins" >/dev/null
}

ensure() {
  local image="$1" builder
  if "$docker" image inspect "$image" >/dev/null 2>&1; then return 0; fi
  if "$docker" pull -q "$image" >/dev/null 2>&1; then log "pulled $image"; return 0; fi
  case "$image" in
    debian:bookworm-slim) builder=build_debian ;;
    node:20-bookworm-slim) builder=build_node ;;
    postgres:15-bookworm) builder=build_postgres ;;
    *) log "$image cannot be pulled and there is no stand-in for it"; return 1 ;;
  esac
  if [ "$(id -u)" != 0 ]; then log "$image cannot be pulled, and building its stand-in needs root"; return 1; fi
  "$builder"
}

for image in "$@"; do
  ensure "$image"
  origin="$("$docker" image inspect -f '{{index .Config.Labels "hubspot-attendance-relay.stand-in"}}' "$image")"
  case "$origin" in '' | '<no value>') origin="as pulled" ;; *) origin="stand-in: $origin" ;; esac
  log "$image ($origin)"
done
