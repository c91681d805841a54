# syntax=docker/dockerfile:1.7
#
# The Offload image: one image for every role. The container runs `offload <role> ...`:
#
#   docker build -t offload:0.1.0 .
#   docker run --rm offload:0.1.0 --help
#   docker run --rm offload:0.1.0 ops --host 0.0.0.0 -b kafka:9093
#
# Stage 1 builds with the same command as the README; stage 2 is a JRE with the jar, its
# libraries and nothing else, run as an unprivileged user. No secret enters the image: passwords
# and JAAS files are mounted at run time (compose secrets, Kubernetes secrets) and named by the
# OFFLOAD_* variables (see docs/PRODUCTION.md).

ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.16_8-jre-noble

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
# The Maven repository is a build cache, never a layer of the image.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -DskipTests

FROM ${RUNTIME_IMAGE}
# curl serves the compose healthchecks (GET /health/ready of each role).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/offload --create-home offload
COPY --from=build /src/app/target/offload.jar /opt/offload/offload.jar
COPY --from=build /src/app/target/lib/ /opt/offload/lib/

# JVM flags (override the whole variable to change them):
#   -XX:MaxRAMPercentage=75        heap sized from the container's memory limit, leaving a quarter
#                                  for metaspace, thread stacks, direct buffers (Kafka, Netty) and
#                                  RocksDB's native memory in the streams role
#   -XX:+UseG1GC                   the default collector above 2 CPUs, pinned so small containers
#                                  (1-2 CPUs, where the JVM would pick Serial) behave the same
#   -XX:+ExitOnOutOfMemoryError    die on OOM so the orchestrator restarts the role instead of
#                                  leaving a half-working process
#   -Djava.net.preferIPv4Stack=true  container networks here are IPv4; avoids slow IPv6 lookups
#   -Dfile.encoding=UTF-8          event payloads and templates are UTF-8 whatever the base locale
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true -Dfile.encoding=UTF-8"

USER 10001:10001
# Streams state, the search index and connector offsets live here; mount a volume on it.
WORKDIR /var/lib/offload
ENTRYPOINT ["java", "-jar", "/opt/offload/offload.jar"]
CMD ["--help"]
