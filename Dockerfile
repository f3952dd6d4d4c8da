# aicarbon worker image (used by docker-compose.yml): the compiled CLI and the workflow bundle, built in
# the first stage with the dev dependencies (TypeScript); the image itself has production ones only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY . .
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production
ENTRYPOINT ["node", "bin/aicarbon.js"]
CMD ["worker", "--queues", "io,compute"]
