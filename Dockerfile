# No `# syntax=` line: nothing here needs more than the builder's own Dockerfile frontend, and
# naming one makes BuildKit pull it from Docker Hub (the classic builder ignores it anyway).

# Build stage: compiles TypeScript and the native SQLite module.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compiled for the hubspot-simulator target only; the runtime image never gets it.
COPY dev/hubspot-simulator ./dev/hubspot-simulator
# The runtime needs only the compiled SQLite module, not its C sources or the compiler's leftovers.
RUN npm run build && npm prune --omit=dev \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node . && rm -rf build deps src \
 && mkdir -p build/Release && mv better_sqlite3.node build/Release/

# The HubSpot simulator for the compose demo and the container checks:
# docker build --target hubspot-simulator -t attendance-relay-hubspot-simulator .
FROM node:20-bookworm-slim AS hubspot-simulator
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/dev/hubspot-simulator ./dist/dev/hubspot-simulator
COPY package.json ./
USER node
EXPOSE 4010
CMD ["node", "dist/dev/hubspot-simulator/main.js", "--host", "0.0.0.0", "--port", "4010"]

# Runtime stage (the default target): no compiler, no dev dependencies, no test code, not root.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    STORE_URL=sqlite:/data/relay.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1, with no shell in between, so SIGTERM reaches it directly.
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=2", "dist/src/main.js", "serve"]
