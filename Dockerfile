# syntax=docker/dockerfile:1
# zoneguard: one image for the webhook, the reconciler, the certificate job and the CLI.
# Build: scripts/docker-build.sh (or: docker build -t zoneguard/zoneguard:dev .)

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile the TypeScript sources to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would compile before the sources are here; tsc runs below
RUN npm ci --ignore-scripts --no-audit --no-fund
# the sources (.dockerignore keeps tests, deploy/, docs and local builds out)
COPY . .
RUN npx tsc -p tsconfig.build.json

# ---- deps: production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" needs the dev dependency typescript; dist/ comes from the build stage
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# ---- runtime: node, the compiled code and production dependencies; no build tools, no npm ----
FROM ${NODE_IMAGE} AS runtime
# npm, npx and corepack are not needed at run time: less to patch, less to exploit
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn* /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin/ ./bin/
COPY examples/ ./examples/
# numeric, so that Kubernetes can check runAsNonRoot without a passwd lookup
USER 65532:65532
EXPOSE 8443 7979
# exec form: no shell at run time; Kubernetes probes (/readyz, /healthz) replace a HEALTHCHECK
ENTRYPOINT ["node", "/app/bin/zoneguard.js"]
CMD ["--help"]
