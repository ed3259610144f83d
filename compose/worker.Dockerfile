# The Sluice worker: build the shaded jar with Maven on JDK 21, run it on a JRE 21.
#   docker build -f compose/worker.Dockerfile .        (context: the repository root)

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
COPY .mvn .mvn
# Every module's pom must exist for the reactor to load, even those not built here.
COPY orchestrator-stub/pom.xml orchestrator-stub/
COPY cli/pom.xml cli/
COPY bench/pom.xml bench/
COPY schemas schemas
COPY worker worker
RUN mvn -B -ntp -q -pl worker -am package -DskipTests \
    && cp worker/target/sluice-worker-*-all.jar /tmp/sluice-worker.jar

FROM eclipse-temurin:21-jre
# curl for the compose health check (/readyz on METRICS_PORT).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /opt/sluice sluice
COPY --from=build /tmp/sluice-worker.jar /opt/sluice/sluice-worker.jar
USER sluice
WORKDIR /opt/sluice
# JRE 21 lets Netty use sun.misc.Unsafe by default; on a JRE 23 or later add
# --sun-misc-unsafe-memory-access=allow (scripts/lib.sh sluice_worker_jvm_options; docs/benchmarks.md).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/sluice/sluice-worker.jar"]
