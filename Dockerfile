# syntax=docker/dockerfile:1
# hubble-auditor container image. test/dockerfile.test.ts replays these steps without a
# container engine (in a temporary directory) and starts the result, so keep every step
# something a plain shell can run: build-stage RUN lines other than apt-get run as written.

# Build stage: compile TypeScript and the better-sqlite3 native addon. It uses the same base
# image as the runtime stage, so the addon is built against the runtime's Node.js ABI and glibc.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY protos ./protos
COPY src ./src
COPY bench ./bench
# Dependencies without install scripts, then better-sqlite3 compiled from source against the
# headers of the Node.js that runs the build (no prebuilt binary or header download), then
# the TypeScript build, then the dev dependencies removed.
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" npm rebuild better-sqlite3 --build-from-source \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

# Runtime stage: production dependencies and compiled code only, as the non-root `node` user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# A V8 old-space bound well under the Deployment's 1 GiB limit. Besides the bound, it makes V8
# collect before its heap quadruples: the ingest's live heap is ~50 MB, and with Node's
# default (a quarter of host memory) the heap of a 100k-edge graph idles at 200-270 MB.
# bench:graph measures with this value (it reads it from here).
ENV NODE_OPTIONS=--max-old-space-size=512
# The graph database lives here; mount a volume (the Kubernetes manifests use a PVC).
ENV HUBBLE_AUDITOR_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/protos ./protos
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
# 8080: HTTP API with /healthz and /readyz (--listen); 9090: Prometheus metrics (--metrics-listen).
EXPOSE 8080 9090
# /healthz is answered by the daemon's HTTP API on --listen (default 127.0.0.1:8080, where the probe below asks). The slim
# image has no curl, so Node's fetch does the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# An absolute path: `docker run -w /work ...` (a CI job reading its own policies and matrices) changes the directory.
ENTRYPOINT ["node", "/app/dist/src/cli/main.js"]
CMD ["serve"]
