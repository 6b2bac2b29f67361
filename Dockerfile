# syntax=docker/dockerfile:1
# Cinema ticket API image. Stages: deps (all packages) -> build (tsc to dist/) -> prod-deps (runtime
# packages only) -> runtime (node:20-bookworm-slim, non-root). Build: `docker build -t cinema-api .`
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: npm's prepare would build the web app before its sources are copied (build stage)
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
# `npm run build` = tsc -p tsconfig.build.json, then postbuild copies src/db/migrations and functions to dist/;
# `npm run build:web` = the web app into web/dist (served by the API from there).
RUN npm run build && npm run build:web && ls dist/server.js dist/db/migrations/*.sql dist/db/functions/*.sql web/dist/index.html >/dev/null

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: npm's prepare builds the web app, which needs the build tools left out here
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATA_DIR=/app/data
WORKDIR /app
# package.json carries "type": "module", without which node would load dist/*.js as CommonJS.
COPY --chown=node:node package.json ./
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/web/dist ./web/dist
# The migration runner reads ./migrations/ and ./functions/ beside dist/db/migrate.js: the SQL files
# must sit in dist/db (postbuild already put them there; this makes it explicit).
COPY --from=build --chown=node:node /app/src/db/migrations/ ./dist/db/migrations/
COPY --from=build --chown=node:node /app/src/db/functions/ ./dist/db/functions/
# Without DATABASE_URL the API runs embedded PGlite with its data in DATA_DIR. NODE_ENV=production:
# every secret comes from the environment (the README's Production section lists them); HOST=0.0.0.0
# because in a container loopback is unreachable from outside (the default elsewhere is 127.0.0.1).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
