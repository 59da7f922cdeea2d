# Margin Call keeper image: `docker compose up` (docker-compose.yml) or
#   docker build -t margin-call . && docker run --rm margin-call --help
# The build needs Node (contracts/build.js compiles our Solidity with the pinned solcjs from npm) and a JDK 21+.
# The image runs the keeper commands (run, dry-run, scan, deploy-liquidator); the demo and devnet need Anvil
# from node_modules and are meant for a checkout, not for this image.

# 1. npm parts, pinned by package-lock.json (solc, protocol artifacts, Anvil)
FROM node:20.18.1-bookworm-slim AS npm
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# 2. the jar and its dependencies (target/margin-call.jar + target/lib)
FROM maven:3.9.9-eclipse-temurin-21 AS build
# Node's binary only: the Maven build runs `node contracts/build.js`; node_modules comes from stage 1
COPY --from=npm /usr/local/bin/node /usr/local/bin/node
WORKDIR /src
COPY --from=npm /src/node_modules node_modules
COPY pom.xml package.json package-lock.json ./
COPY contracts contracts
COPY abis abis
COPY src/main src/main
RUN mvn -B -q -DskipTests package

# 3. runtime: a JRE and the jar, as an unprivileged user
FROM eclipse-temurin:21.0.5_11-jre-noble
RUN useradd --system --uid 10001 --home-dir /app keeper && mkdir -p /app /data && chown keeper /data
WORKDIR /app
COPY --from=build /src/target/margin-call.jar /app/margin-call.jar
COPY --from=build /src/target/lib /app/lib
USER keeper
# JSON logs for log shippers; set MARGIN_CALL_LOG_FORMAT=text for plain lines
ENV MARGIN_CALL_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 9464
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/margin-call.jar"]
CMD ["--help"]
