# syntax=docker/dockerfile:1
# zoneguard: one image for the webhook, the reconciler, the certificate job and the CLI.
# Build: scripts/docker-build.sh (or: docker build -t zoneguard/zoneguard:dev .)
# The image carries one bundle of the code it runs (esbuild: the app and the dependencies it uses,
# each provider SDK in its own chunk, loaded only with that --provider): no node_modules, no npm.

# Node 24: the Active LTS line. CI tests the code on Node 20 and this bundle on Node 20 and on this
# line's Node (.ci/run fetches it; README, Testing); the bundle is built for node20 syntax
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: type-check, then bundle the sources and their dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would compile before the sources are here; tsc runs below
RUN npm ci --ignore-scripts --no-audit --no-fund
# the sources (.dockerignore keeps tests, deploy/, docs and local builds out)
COPY . .
RUN npx tsc -p tsconfig.build.json --noEmit
RUN node scripts/bundle.mjs /src/bundle

# ---- runtime: node and the bundle; no build tools, no npm ----
FROM ${NODE_IMAGE} AS runtime
# npm, npx and corepack are not needed at run time: less to patch, less to exploit
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn* /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production
WORKDIR /app
# zoneguard.js, chunks/, package.json (the version) and examples/ (for `zoneguard demo`)
COPY --from=build /src/bundle ./
# numeric, so that Kubernetes can check runAsNonRoot without a passwd lookup
USER 65532:65532
EXPOSE 8443 7979
# exec form: no shell at run time; Kubernetes probes (/readyz, /healthz) replace a HEALTHCHECK
ENTRYPOINT ["node", "/app/zoneguard.js"]
CMD ["--help"]
