# syntax=docker/dockerfile:1
# One image per deployable:  docker build --target gateway|payments|plugins -t jtm-<target> .
# Node 26 is the Active LTS line (Dec 2026); override with --build-arg NODE_VERSION=24 if needed.
ARG NODE_VERSION=26
ARG DEBIAN_RELEASE=trixie

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS base
WORKDIR /app
COPY package.json package-lock.json ./

# Build: full dependency tree, then the same `tsc -p .` the project uses everywhere.
FROM base AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p . && mkdir -p dist/common

# Production dependencies only.
FROM base AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Shared runtime: no compiler, no dev dependencies, numeric non-root user.
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
# SDL files: the gateway reads schema/supergraph.graphql (SUPERGRAPH_PATH), subgraphs their own SDL.
COPY schema ./schema
COPY --from=build /app/dist/common ./dist/common
USER 10001:10001
# Secrets arrive only as environment variables at run time (Kubernetes secretKeyRef), never here.

FROM runtime AS gateway
COPY --from=build /app/dist/gateway ./dist/gateway
ENV PORT=4000
EXPOSE 4000
CMD ["node", "dist/gateway/src/main.js"]

FROM runtime AS payments
COPY --from=build /app/dist/subgraphs/payments ./dist/subgraphs/payments
ENV PORT=4001
EXPOSE 4001
# The reconciler CronJob runs this image with: node dist/subgraphs/payments/src/reconcile.js
CMD ["node", "dist/subgraphs/payments/src/main.js"]

FROM runtime AS plugins
COPY --from=build /app/dist/subgraphs/plugins ./dist/subgraphs/plugins
# Catalog seed data for `node dist/subgraphs/plugins/src/seed.js` (see k8s/README.md).
COPY subgraphs/plugins/seed ./subgraphs/plugins/seed
ENV PORT=4002
EXPOSE 4002
CMD ["node", "dist/subgraphs/plugins/src/main.js"]
