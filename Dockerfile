# tmws-patterns serve (HTTP API, MCP over Streamable HTTP at /mcp, dashboard) built from this tree.
#   docker build -t tmws-patterns .            (--build-arg NODE_VERSION=22 for Node 22)
#   docker run -d -p 8000:8000 -v tmws-data:/data \
#     -v "$PWD/auth.yaml:/etc/tmws-patterns/auth.yaml:ro" tmws-patterns
# Listening beyond loopback needs keys: the auth file (see `auth new-key --auth-file`) must exist.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
# better-sqlite3 compiles itself when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The package as npm users get it (prepack builds dist), installed without dev dependencies.
RUN npm pack --pack-destination /tmp \
  && mkdir /app \
  && cd /app \
  && echo '{ "private": true, "allowScripts": { "better-sqlite3": true } }' >package.json \
  && npm install --omit=dev --no-audit --no-fund /tmp/tmws-patterns-*.tgz

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
  TMWS_DATABASE_URL=/data/memories.db \
  TMWS_AUTH_FILE=/etc/tmws-patterns/auth.yaml
COPY --from=build /app /app
RUN mkdir /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8000
# /ready answers 503 when the store does not answer; /health only says the process is up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/app/node_modules/.bin/tmws-patterns"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
