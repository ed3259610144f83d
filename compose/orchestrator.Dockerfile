# The Sluice orchestrator stub: build the shaded jar with Maven on JDK 21, run it on a JRE 21.
#   docker build -f compose/orchestrator.Dockerfile .  (context: the repository root)

FROM maven:3.9-eclipse-temurin-21 AS build
# node and npm bundle the demo page's mediasoup-client (orchestrator-stub/web/build.sh).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pom.xml ./
COPY .mvn .mvn
# Every module's pom must exist for the reactor to load, even those not built here.
COPY bench/pom.xml bench/
COPY cli/pom.xml cli/
COPY schemas schemas
COPY worker worker
COPY orchestrator-stub orchestrator-stub
RUN mvn -B -ntp -q -pl orchestrator-stub -am package -DskipTests \
    && cp orchestrator-stub/target/sluice-orchestrator-stub-*-all.jar /tmp/sluice-orchestrator-stub.jar

FROM eclipse-temurin:21-jre
# curl for the compose health check (/readyz on METRICS_PORT).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home-dir /opt/sluice sluice
COPY --from=build /tmp/sluice-orchestrator-stub.jar /opt/sluice/sluice-orchestrator-stub.jar
USER sluice
WORKDIR /opt/sluice
EXPOSE 3000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/sluice/sluice-orchestrator-stub.jar"]
