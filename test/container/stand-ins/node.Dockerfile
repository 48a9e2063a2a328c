# Stand-in for node:20-bookworm-slim on machines that cannot pull it: Debian's minimal base plus
# this machine's own Node 20 (binary, npm, corepack and headers), laid out as the official image
# lays them out. Built by test/container/stand-ins.sh from a staged context (overlay/).
FROM debian:bookworm-slim
ARG NODE_VERSION
COPY overlay/ /
# node-gyp finds the headers through npm's nodedir (set in /usr/local/etc/npmrc), so building a
# native module needs no download.
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
LABEL hubspot-attendance-relay.stand-in="node:20-bookworm-slim from Debian packages and this machine's Node ${NODE_VERSION}"
ENV NODE_VERSION=${NODE_VERSION}
CMD ["node"]
