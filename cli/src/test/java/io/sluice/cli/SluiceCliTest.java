package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.orchestrator.signaling.JoinToken;
import io.sluice.orchestrator.signaling.JoinTokenVerifier;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code sluice} against a real worker process on real NATS and Redis. */
class SluiceCliTest {

    private static NatsServerProcess nats;
    private static RedisServerProcess redis;
    private static WorkerProcess worker;
    private static Connection connection;
    private static String workerId;

    @BeforeAll
    static void start() throws Exception {
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        worker = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of("NATS_URL", nats.url(),
                "REDIS_URL", redis.url(), "WORKERS", "1", "LISTEN_IP", "127.0.0.1",
                "WORKER_ID", "cli-" + UUID.randomUUID().toString().substring(0, 8))));
        workerId = worker.workerIds().get(0);
        connection = Nats.connect(nats.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private record Run(int status, String out, String err) {}

    private static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--nats-url=" + nats.url();
        all[args.length + 1] = "--redis-url=" + redis.url();
        all[args.length + 2] = "--timeout=10";
        all[args.length + 3] = "--count=1";
        if (!args[0].equals("events")) {
            all = java.util.Arrays.copyOf(all, all.length - 1);
        }
        int status = SluiceCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(all);
        return new Run(status, out.toString(), err.toString());
    }

    private static String createRouter(String room) throws Exception {
        return createRouterOn(workerId, room);
    }

    @Test
    void workersListsTheLiveWorkerAsATableAndAsJson() {
        await().atMost(Duration.ofSeconds(30)).until(() -> sluice("workers").out().contains(workerId));

        Run table = sluice("workers");
        Run json = sluice("workers", "--json");

        assertThat(table.status()).isZero();
        assertThat(table.out().lines().findFirst()).hasValueSatisfying(header -> assertThat(header)
                .startsWith("id").contains("host", "loop_utilization", "routers", "transports"));
        assertThat(json.out().lines()).anySatisfy(line -> assertThat(line)
                .startsWith("{\"id\":\"" + workerId + "\",\"host\":").contains("\"routers\":"));
    }

    @Test
    void routersAndDumpShowARouter() throws Exception {
        String routerId = createRouter("cli-room");

        Run routers = sluice("routers", workerId);
        Run dump = sluice("dump", workerId, "router", routerId, "--json");

        assertThat(routers.status()).isZero();
        assertThat(routers.out()).contains(routerId).contains("cli-room");
        assertThat(dump.status()).as(dump.err()).isZero();
        assertThat(dump.out()).startsWith("{\"routerId\":\"" + routerId + "\",\"roomId\":\"cli-room\"");
    }

    @Test
    void aDumpOfAMissingEntityIsAOneLineErrorWithStatusOne() {
        Run dump = sluice("dump", workerId, "producer", "no-such-producer");

        assertThat(dump.status()).isEqualTo(1);
        assertThat(dump.err().strip()).startsWith("sluice: producer.dump failed: NOT_FOUND: ").doesNotContain("\n");
    }

    @Test
    void eventsPrintsDecodedEventsAsJsonLines() throws Exception {
        String routerId = createRouter("cli-events");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> events = CompletableFuture.supplyAsync(() -> SluiceCli.commandLine()
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("events", "sluice.event." + routerId + ".>", "--count=1", "--nats-url=" + nats.url()));
        await().atMost(Duration.ofSeconds(30)).until(() -> err.toString().contains("listening on"));

        connection.request("sluice." + workerId + ".router.close",
                RouterCloseRequest.newBuilder().setRouterId(routerId).build().toByteArray(), Duration.ofSeconds(10));

        assertThat(events.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        assertThat(out.toString().lines()).singleElement().asString()
                .startsWith("{\"subject\":\"sluice.event." + routerId + ".router.")
                .contains("\"event\":{\"workerId\":\"" + workerId + "\"", "\"routerClosed\":");
    }

    @Test
    void statsPrintsAnEntitysGetStatsAsJson() throws Exception {
        String routerId = createRouter("cli-stats");
        String transportId = createPlainTransport(routerId);

        Run stats = sluice("stats", workerId, "transport", transportId, "--json");
        Run unknown = sluice("stats", workerId, "router", routerId);

        assertThat(stats.status()).as(stats.err()).isZero();
        assertThat(stats.out().lines()).singleElement().asString().startsWith("{").contains(transportId);
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown entity \"router\"; one of ");
    }

    @Test
    void tokenIsOneTheStubAcceptsWithThePageAddress() {
        Run token = sluice("token", "demo-room", "ada", "--join-secret=s3cret", "--permissions=audio", "--json",
                "--single-use", "--ttl-seconds=600");
        Run missingSecret = sluice("token", "demo-room", "ada");

        assertThat(token.status()).as(token.err()).isZero();
        String line = token.out().strip();
        String text = line.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        JoinTokenVerifier.Verified verified = verifier("s3cret").verify(text);
        assertThat(verified.grant()).isEqualTo(new JoinToken("ada", "demo-room", Set.of(JoinToken.AUDIO)));
        assertThat(verified.jti()).isNotBlank();
        assertThat(verified.expiresAt()).isBetween(Instant.now().plusSeconds(500), Instant.now().plusSeconds(700));
        assertThatThrownBy(() -> verifier("other").verify(text)).hasMessageContaining("bad signature");
        assertThat(line).contains("\"page\":\"http://127.0.0.1:3000/?room=demo-room&token=");
        assertThat(missingSecret.status()).isEqualTo(2);
        assertThat(missingSecret.err()).contains("--join-secret");
    }

    private static JoinTokenVerifier verifier(String secret) {
        return JoinTokenVerifier.hs256(secret.getBytes(StandardCharsets.UTF_8), InstantSource.system(), Duration.ZERO);
    }

    /**
     * A second worker process, so that draining it leaves the shared one alone: after
     * {@code sluice drain} it refuses new routers and its registry entry says {@code draining 1}.
     */
    @Test
    void drainMakesAWorkerRefuseNewRoutersAndShowsInWorkers() throws Exception {
        String drainedId = "cli-drain-" + UUID.randomUUID().toString().substring(0, 8);
        try (WorkerProcess drained = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of("NATS_URL", nats.url(),
                "REDIS_URL", redis.url(), "WORKERS", "1", "LISTEN_IP", "127.0.0.1", "WORKER_ID", drainedId)))) {
            String drainedWorker = drained.workerIds().get(0);
            // A router keeps the drained process up: it exits once its workers are empty.
            createRouterOn(drainedWorker, "cli-drain-room");

            Run drain = sluice("drain", drainedWorker, "--json");

            assertThat(drain.status()).as(drain.err()).isZero();
            assertThat(drain.out().strip()).isEqualTo("{\"worker\":\"" + drainedWorker + "\",\"draining\":\"1\","
                    + "\"routers\":\"1\"}");
            byte[] refused = connection.request("sluice." + drainedWorker + ".worker.createRouter",
                    routerRequest("late").toByteArray(), Duration.ofSeconds(10)).getData();
            assertThat(io.sluice.api.v1.Error.parseFrom(refused).getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
            await().atMost(Duration.ofSeconds(30)).until(() -> sluice("workers", "--json").out().lines()
                    .anyMatch(line -> line.contains("\"id\":\"" + drainedWorker + "\"")
                            && line.contains("\"draining\":\"1\"")));
        }
    }

    private static WorkerCreateRouterRequest routerRequest(String room) {
        return WorkerCreateRouterRequest.newBuilder().setRoomId(room)
                .addMediaCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus")
                        .setClockRate(48000).setChannels(2))
                .build();
    }

    private static String createRouterOn(String worker, String room) throws Exception {
        byte[] reply = connection.request("sluice." + worker + ".worker.createRouter", routerRequest(room).toByteArray(),
                Duration.ofSeconds(10)).getData();
        return WorkerCreateRouterResponse.parseFrom(reply).getRouterId();
    }

    private static String createPlainTransport(String routerId) throws Exception {
        RouterCreatePlainTransportRequest request = RouterCreatePlainTransportRequest.newBuilder().setRouterId(routerId)
                .setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1")).build();
        byte[] reply = connection.request("sluice." + workerId + ".router.createPlainTransport", request.toByteArray(),
                Duration.ofSeconds(10)).getData();
        return RouterCreatePlainTransportResponse.parseFrom(reply).getTransport().getId();
    }
}
