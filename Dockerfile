# Lifeline's production image (docs/deployment.md#containers): compiled with `npm run build` in a build stage,
# run with plain `node` on Node 22 LTS, with production dependencies only (no tsx, no test tools, no embedded
# PostgreSQL). One image for every role; the command picks the process:
#   node dist/src/api/main.js | node dist/src/worker/main.js | node dist/src/services/webhooks/main.js
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/src/api/main.js"]
