# The production image (the last stage, what `docker build .` makes): the worker, the HTTP service
# and the one-shot webhook registration, compiled by `npm run build`; docker-compose.yml picks the
# command. It holds no emulator code: the emulator's files are never copied into the stages it is
# made from (test/deploy/buildOutput.test.ts checks this file and the build output).
#
# The `emulator` stage is a separate image of the Vipps MobilePay emulator (a test double) for
# docker-compose's local stack only: `docker build --target emulator .`.
#
# Built and run by `npm run compose:test` (test/compose/; base-image stand-ins in deploy/compose/).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/vipps/package.json ./packages/vipps/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json tsconfig.build.json ./
COPY packages/vipps/tsconfig.build.json ./packages/vipps/
COPY packages/vipps/src ./packages/vipps/src
COPY src ./src
COPY scripts ./scripts
# The client travels compiled in lib/node_modules (see scripts/build.ts), so the workspace link to
# its sources goes.
RUN npm run build && npm prune --omit=dev && rm -rf node_modules/@vipps-orders

FROM node:20-bookworm-slim AS emulator
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/vipps/package.json ./packages/vipps/
COPY packages/vipps-emulator/package.json ./packages/vipps-emulator/
RUN npm ci --omit=dev --no-audit --no-fund --workspace=@vipps-orders/vipps-emulator
COPY packages/vipps/src ./packages/vipps/src
COPY packages/vipps-emulator/bin ./packages/vipps-emulator/bin
COPY packages/vipps-emulator/src ./packages/vipps-emulator/src
USER node
CMD ["node", "packages/vipps-emulator/bin/vipps-emulator.js"]

FROM node:20-bookworm-slim AS app
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE_PATH=/app/lib/workflow-bundle.js
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY package.json ./
USER node
CMD ["node", "lib/server.js"]
