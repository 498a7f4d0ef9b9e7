# STS pathway CDS service. Build: docker build -t sts-pathway-cds .   Run: see docker-compose.yml
FROM node:24-slim

WORKDIR /app
ENV NODE_ENV=production \
    STS_MODE=production \
    EMBEDDED_FHIR=false \
    PORT=3000

# Dependencies first, so a source change does not reinstall them. tsx is a runtime dependency: the service runs
# its TypeScript sources directly (no build step to drift from them).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "src/server.ts"]
