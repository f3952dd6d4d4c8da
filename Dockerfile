# aicarbon worker image (used by docker-compose.yml). TypeScript runs through tsx; no build step.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY . .
ENV NODE_ENV=production
ENTRYPOINT ["node", "bin/aicarbon.js"]
CMD ["worker", "--queues", "io,compute"]
