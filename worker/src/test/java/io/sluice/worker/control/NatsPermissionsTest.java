package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Heartbeat;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped nats-server configuration (compose/nats-server.conf, docs/security.md) on a real
 * nats-server: a worker and a backend work as before, while an anonymous client, a monitor and a
 * worker's own credentials cannot close a router, read the backend's replies or fake a heartbeat.
 */
class NatsPermissionsTest {

    static final Path CONFIGURATION = Path.of("..", "compose", "nats-server.conf");
    private static final Duration SETTLE = Patience.WAIT;
    static final Map<String, String> PASSWORDS = Map.of(
            "worker1", password(), "backend", password(), "monitor", password());

    private static NatsServerProcess nats;
    private static RedisServerProcess redis;
    private static WorkerProcess worker;
    private static Connection backend;
    private static ControlClient client;
    private static String workerId;

    @BeforeAll
    static void start() throws Exception {
        nats = startConfiguredNats();
        redis = RedisServerProcess.start();
        worker = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                "NATS_URL", nats.url(), "NATS_USER", "worker1", "NATS_PASSWORD", PASSWORDS.get("worker1"),
                "REDIS_URL", redis.url(), "WORKERS", "2", "WORKER_ID", "worker1", "LISTEN_IP", "127.0.0.1",
                "RTC_MIN_PORT", "47000", "RTC_MAX_PORT", "47099")));
        workerId = worker.workerIds().get(0);
        backend = Nats.connect(options("backend", "_INBOX_backend", new Violations()));
        client = new ControlClient(backend, Patience.WAIT);
    }

    /** nats-server with the shipped configuration and its passwords in the environment. */
    static NatsServerProcess startConfiguredNats() throws IOException {
        return NatsServerProcess.withConfiguration(Files.readString(CONFIGURATION), Map.of(
                "SLUICE_NATS_WORKER1_PASSWORD", PASSWORDS.get("worker1"),
                "SLUICE_NATS_BACKEND_PASSWORD", PASSWORDS.get("backend"),
                "SLUICE_NATS_MONITOR_PASSWORD", PASSWORDS.get("monitor")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    /** router.pipeToRouter: the worker asks its other loop over NATS and reads the replies in its own inbox. */
    @Test
    void aWorkerNegotiatesAPipeWithAnotherWorkerThroughItsOwnInbox() throws Exception {
        String otherWorker = worker.workerIds().get(1);
        String routerId = createRouter();
        String targetRouter = client.call(otherWorker, "worker.createRouter",
                WorkerControlTest.opusAndVp8("room-" + UUID.randomUUID())).as(WorkerCreateRouterResponse.parser())
                .getRouterId();
        String transportId = client.call(workerId, "router.createPlainTransport",
                io.sluice.api.v1.RouterCreatePlainTransportRequest.newBuilder().setRouterId(routerId).setComedia(true)
                        .build()).as(io.sluice.api.v1.RouterCreatePlainTransportResponse.parser()).getTransport().getId();
        String producerId = client.call(workerId, "transport.produce", io.sluice.api.v1.TransportProduceRequest
                .newBuilder().setTransportId(transportId).setKind(io.sluice.api.v1.MediaKind.AUDIO)
                .setRtpParameters(io.sluice.api.v1.RtpParameters.newBuilder()
                        .addCodecs(io.sluice.api.v1.RtpCodecParameters.newBuilder().setMimeType("audio/opus")
                                .setPayloadType(111).setClockRate(48000).setChannels(2))
                        .addEncodings(io.sluice.api.v1.RtpEncodingParameters.newBuilder().setSsrc(1234)))
                .build()).as(io.sluice.api.v1.TransportProduceResponse.parser()).getProducerId();

        io.sluice.api.v1.RouterPipeToRouterResponse piped = client.call(workerId, "router.pipeToRouter",
                io.sluice.api.v1.RouterPipeToRouterRequest.newBuilder().setRouterId(routerId).setProducerId(producerId)
                        .setTargetWorkerId(otherWorker).setTargetRouterId(targetRouter).build())
                .as(io.sluice.api.v1.RouterPipeToRouterResponse.parser());

        assertThat(piped.getPipeProducerId()).isEqualTo(producerId);
        assertThat(client.call(otherWorker, "router.dump", RouterDumpRequest.newBuilder().setRouterId(targetRouter)
                .build()).as(io.sluice.api.v1.RouterDumpResponse.parser()).getProducerIdsList())
                .containsExactly(producerId);
    }

    @Test
    void anonymousAndWronglyAuthenticatedClientsCannotConnect() {
        Options anonymous = Options.builder().server(nats.url()).maxReconnects(0).noReconnect().build();
        assertThatThrownBy(() -> Nats.connect(anonymous)).hasMessageContaining("Authorization Violation");
        Options wrongPassword = Options.builder().server(nats.url()).userInfo("backend", "guess").noReconnect().build();
        assertThatThrownBy(() -> Nats.connect(wrongPassword)).hasMessageContaining("Authorization Violation");
    }

    @Test
    void theBackendDrivesTheWorkerThroughItsPrivateInbox() throws Exception {
        String routerId = createRouter();
        assertThat(client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                .isError()).isFalse();
        assertThat(client.call(workerId, "router.close", RouterCloseRequest.newBuilder().setRouterId(routerId).build())
                .isError()).isFalse();
        assertThat(client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                .code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aMonitorCannotCloseARouterReadTheBackendsInboxOrFakeAHeartbeat() throws Exception {
        String routerId = createRouter();
        Violations violations = new Violations();
        List<String> overheard = new CopyOnWriteArrayList<>();
        List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
        followHeartbeats(heartbeats);
        try (Connection monitor = Nats.connect(options("monitor", "", violations))) {
            Dispatcher eavesdropper = monitor.createDispatcher(message -> overheard.add(message.getSubject()));
            eavesdropper.subscribe("_INBOX_backend.>");
            eavesdropper.subscribe(">");
            await().atMost(SETTLE).untilAsserted(() -> assertThat(violations.all).contains(
                    "Permissions Violation for Subscription to \"_INBOX_backend.>\"",
                    "Permissions Violation for Subscription to \">\""));

            monitor.publish("sluice." + workerId + ".router.close",
                    RouterCloseRequest.newBuilder().setRouterId(routerId).build().toByteArray());
            fakeHeartbeats(monitor, "evil-0", workerId);
            await().atMost(SETTLE).untilAsserted(() -> assertThat(violations.all).contains(
                    "Permissions Violation for Publish to \"sluice." + workerId + ".router.close\"",
                    "Permissions Violation for Publish to \"sluice.heartbeat.evil-0\"",
                    "Permissions Violation for Publish to \"sluice.heartbeat." + workerId + "\""));

            // The router lives on, and the replies the backend got meanwhile reached no one else.
            assertThat(client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                    .isError()).isFalse();
            assertNoFakeHeartbeatArrives(heartbeats);
            assertThat(overheard).isEmpty();
        }
    }

    /**
     * Data from and to the backend over NATS: dataProducer.send is a backend request, the messages of a
     * direct data consumer are events the backend reads and a monitor, reading every other event, does not.
     */
    @Test
    void theBackendSendsAndReadsDataMessagesAndAMonitorReadsNone() throws Exception {
        String routerId = createRouter();
        Violations violations = new Violations();
        List<String> atMonitor = new CopyOnWriteArrayList<>();
        List<String> atBackend = new CopyOnWriteArrayList<>();
        try (Connection monitor = Nats.connect(options("monitor", "", violations))) {
            monitor.createDispatcher(message -> atMonitor.add(message.getSubject())).subscribe("sluice.event.>");
            backend.createDispatcher(message -> atBackend.add(message.getSubject()))
                    .subscribe("sluice.event." + routerId + ".>");
            monitor.flush(SETTLE);
            backend.flush(SETTLE);
            String transportId = client.call(workerId, "router.createDirectTransport",
                    io.sluice.api.v1.RouterCreateDirectTransportRequest.newBuilder().setRouterId(routerId).build())
                    .as(io.sluice.api.v1.RouterCreateDirectTransportResponse.parser()).getTransport().getId();
            String dataProducerId = client.call(workerId, "transport.produceData",
                    io.sluice.api.v1.TransportProduceDataRequest.newBuilder().setTransportId(transportId).build())
                    .as(io.sluice.api.v1.TransportProduceDataResponse.parser()).getDataProducer().getId();
            String dataConsumerId = client.call(workerId, "transport.consumeData",
                    io.sluice.api.v1.TransportConsumeDataRequest.newBuilder().setTransportId(transportId)
                            .setDataProducerId(dataProducerId).build())
                    .as(io.sluice.api.v1.TransportConsumeDataResponse.parser()).getDataConsumer().getId();
            assertThat(client.call(workerId, "dataProducer.send", io.sluice.api.v1.DataProducerSendRequest
                    .newBuilder().setDataProducerId(dataProducerId).setPpid(51)
                    .setPayload(com.google.protobuf.ByteString.copyFromUtf8("hello")).build()).isError()).isFalse();
            String message = "sluice.event." + routerId + ".dataConsumer." + dataConsumerId + ".message";
            await().atMost(SETTLE).untilAsserted(() -> assertThat(atBackend).contains(message));
            client.call(workerId, "transport.close", io.sluice.api.v1.TransportCloseRequest.newBuilder()
                    .setTransportId(transportId).build());
            String closed = "sluice.event." + routerId + ".transport." + transportId + ".closed";
            await().atMost(SETTLE).untilAsserted(() -> assertThat(atMonitor).contains(closed));
            assertThat(atMonitor).doesNotContain(message);
        }
    }

    @Test
    void aWorkersCredentialsServeOnlyItsOwnWorkerIds() throws Exception {
        Violations violations = new Violations();
        List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
        followHeartbeats(heartbeats);
        try (Connection rogue = Nats.connect(options("worker1", "", violations))) {
            Dispatcher dispatcher = rogue.createDispatcher(message -> { });
            dispatcher.subscribe("sluice.other-0.>");
            dispatcher.subscribe("_INBOX_backend.>");
            // Its own heartbeat it may publish: the user is the worker's.
            fakeHeartbeats(rogue, "evil-0");
            rogue.publish("sluice." + workerId + ".router.close", new byte[0]);
            await().atMost(SETTLE).untilAsserted(() -> assertThat(violations.all).contains(
                    "Permissions Violation for Subscription to \"sluice.other-0.>\"",
                    "Permissions Violation for Subscription to \"_INBOX_backend.>\"",
                    "Permissions Violation for Publish to \"sluice.heartbeat.evil-0\"",
                    "Permissions Violation for Publish to \"sluice." + workerId + ".router.close\""));
            assertNoFakeHeartbeatArrives(heartbeats);
        }
    }

    @Test
    void theBackendCannotPublishHeartbeatsOrEvents() throws Exception {
        Violations violations = new Violations();
        try (Connection second = Nats.connect(options("backend", "_INBOX_backend", violations))) {
            second.publish("sluice.heartbeat." + workerId, new byte[0]);
            second.publish("sluice.event.r.router.r.closed", new byte[0]);
            await().atMost(SETTLE).untilAsserted(() -> assertThat(violations.all).contains(
                    "Permissions Violation for Publish to \"sluice.heartbeat." + workerId + "\"",
                    "Permissions Violation for Publish to \"sluice.event.r.router.r.closed\""));
        }
    }

    // nats-server reads a $VARIABLE's value as a configuration value: a password starting with a
    // digit would parse as a number, so ours start with a letter (docs/security.md).
    static String password() {
        return "p" + UUID.randomUUID().toString().replace("-", "");
    }

    private static String createRouter() throws InterruptedException {
        return client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8("room-" + UUID.randomUUID()))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
    }

    private static void followHeartbeats(List<Heartbeat> heartbeats) throws Exception {
        Dispatcher dispatcher = backend.createDispatcher(message -> {
            try {
                heartbeats.add(Heartbeat.parseFrom(message.getData()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        dispatcher.subscribe("sluice.heartbeat.*");
        backend.flush(SETTLE);
    }

    // A fake carries host "attacker"; the real worker's heartbeats carry its host name.
    private static void fakeHeartbeats(Connection connection, String... workerIds) {
        for (String id : workerIds) {
            connection.publish("sluice.heartbeat." + id,
                    Heartbeat.newBuilder().setWorkerId(id).setHost("attacker").build().toByteArray());
        }
    }

    // Heartbeats come every second: two real ones after the fakes were refused show the path is live.
    private static void assertNoFakeHeartbeatArrives(List<Heartbeat> heartbeats) {
        int before = heartbeats.size();
        await().atMost(SETTLE).until(() -> heartbeats.size() >= before + 2);
        assertThat(heartbeats).extracting(Heartbeat::getHost).doesNotContain("attacker");
        assertThat(heartbeats).extracting(Heartbeat::getWorkerId).isSubsetOf(worker.workerIds());
    }

    private static Options options(String user, String inboxPrefix, Violations violations) {
        Options.Builder builder = Options.builder().server(nats.url()).userInfo(user, PASSWORDS.get(user))
                .errorListener(violations).noReconnect();
        if (!inboxPrefix.isEmpty()) {
            builder.inboxPrefix(inboxPrefix);
        }
        return builder.build();
    }

    /** The server's -ERR lines a client got. */
    static final class Violations implements ErrorListener {
        final List<String> all = new CopyOnWriteArrayList<>();

        @Override
        public void errorOccurred(Connection connection, String error) {
            all.add(error);
        }
    }
}
