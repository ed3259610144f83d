package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
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
        WorkerCreateRouterRequest request = WorkerCreateRouterRequest.newBuilder().setRoomId(room)
                .addMediaCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus")
                        .setClockRate(48000).setChannels(2))
                .build();
        byte[] reply = connection.request("sluice." + workerId + ".worker.createRouter", request.toByteArray(),
                Duration.ofSeconds(10)).getData();
        return WorkerCreateRouterResponse.parseFrom(reply).getRouterId();
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
}
