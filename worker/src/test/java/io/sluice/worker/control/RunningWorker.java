package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportConnectResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.ProducerGetStatsRequest;
import io.sluice.api.v1.ProducerGetStatsResponse;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.FreePort;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

/**
 * What the integration tests of this package drive: a real worker process with one loop on its own
 * nats-server and redis-server, RTC ports on 127.0.0.1 from a range, a control client, and the
 * events it published on the subjects asked for; and the control calls those tests make the same
 * way, each expecting a success reply. Most test classes share one ({@link SharedWorker}).
 */
final class RunningWorker implements AutoCloseable {

    static final Duration WAIT = Patience.WAIT;

    final NatsServerProcess nats;
    final RedisServerProcess redis;
    final WorkerProcess process;
    final Connection connection;
    final ControlClient client;
    final String workerId;
    final int rtcMinPort;
    final int rtcMaxPort;
    final List<Event> events = new CopyOnWriteArrayList<>();

    private RunningWorker(String name, int rtcMinPort, int rtcMaxPort, Map<String, String> settings,
            List<String> eventSubjects) throws Exception {
        this.rtcMinPort = rtcMinPort;
        this.rtcMaxPort = rtcMaxPort;
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKERS", "1",
                "WORKER_ID", name + "-" + UUID.randomUUID().toString().substring(0, 8),
                "LISTEN_IP", "127.0.0.1", "METRICS_PORT", Integer.toString(FreePort.tcp()),
                "RTC_MIN_PORT", Integer.toString(rtcMinPort), "RTC_MAX_PORT", Integer.toString(rtcMaxPort)));
        env.putAll(settings);
        process = WorkerProcess.start(WorkerConfig.fromEnvironment(env));
        workerId = process.workerIds().get(0);
        connection = Nats.connect(nats.url());
        client = new ControlClient(connection, WAIT);
        if (!eventSubjects.isEmpty()) {
            Dispatcher dispatcher = connection.createDispatcher(message -> {
                try {
                    events.add(Event.parseFrom(message.getData()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            eventSubjects.forEach(dispatcher::subscribe);
            connection.flush(WAIT);
        }
    }

    /**
     * Starts everything with RTC ports from {@code rtcMinPort} on (a thousand); {@code eventSubjects}
     * (e.g. {@code sluice.event.>}) fill {@link #events}.
     */
    static RunningWorker start(String name, int rtcMinPort, String... eventSubjects) throws Exception {
        return start(name, rtcMinPort, rtcMinPort + 999, eventSubjects);
    }

    static RunningWorker start(String name, int rtcMinPort, int rtcMaxPort, String... eventSubjects) throws Exception {
        return new RunningWorker(name, rtcMinPort, rtcMaxPort, Map.of(), List.of(eventSubjects));
    }

    /** As above, with more worker settings (environment variables such as {@code MAX_TRANSPORTS}). */
    static RunningWorker start(String name, int rtcMinPort, int rtcMaxPort, Map<String, String> settings,
            String... eventSubjects) throws Exception {
        return new RunningWorker(name, rtcMinPort, rtcMaxPort, settings, List.of(eventSubjects));
    }

    /** As {@link #start}, with {@code loops} event loops: one worker each, {@code process.workerIds()}. */
    static RunningWorker startLoops(String name, int rtcMinPort, int loops, String... eventSubjects) throws Exception {
        return new RunningWorker(name, rtcMinPort, rtcMinPort + 999, Map.of("WORKERS", Integer.toString(loops)),
                List.of(eventSubjects));
    }

    @Override
    public void close() throws Exception {
        try {
            process.close();
            connection.close();
        } finally {
            redis.close();
            nats.close();
        }
    }

    /** Waits for the next {@code count} heartbeats of the worker; each beat also writes its lease to Redis. */
    void awaitHeartbeats(int count) throws InterruptedException, TimeoutException {
        Subscription subscription = connection.subscribe(HeartbeatPublisher.subject(workerId));
        connection.flush(WAIT);
        for (int i = 1; i <= count; i++) {
            assertThat(subscription.nextMessage(WAIT)).as("heartbeat %d of %s", i, workerId).isNotNull();
        }
        subscription.unsubscribe();
    }

    /** worker.createRouter with Opus and VP8 ({@link WorkerControlTest#opusAndVp8}); the router's id. */
    String createRouter(String room) throws InterruptedException {
        return client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8(room))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
    }

    /** The router's RTP capabilities, from router.dump. */
    RtpCapabilities routerCapabilities(String routerId) throws InterruptedException {
        return client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                .as(RouterDumpResponse.parser()).getRtpCapabilities();
    }

    /** router.createPlainTransport listening on 127.0.0.1, without SRTP. */
    PlainTransportInfo createPlainTransport(String routerId, boolean comedia) throws InterruptedException {
        return createPlainTransport(routerId, comedia, false);
    }

    /** router.createPlainTransport listening on 127.0.0.1. */
    PlainTransportInfo createPlainTransport(String routerId, boolean comedia, boolean srtp)
            throws InterruptedException {
        return client.call(workerId, "router.createPlainTransport", RouterCreatePlainTransportRequest.newBuilder()
                        .setRouterId(routerId)
                        .setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                        .setComedia(comedia)
                        .setEnableSrtp(srtp)
                        .build())
                .as(RouterCreatePlainTransportResponse.parser()).getTransport();
    }

    /** plainTransport.connect to {@code port} on 127.0.0.1, without SRTP. */
    void connectPlainTransport(String transportId, int port) throws InterruptedException {
        client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                        .setTransportId(transportId).setIp("127.0.0.1").setPort(port).build())
                .as(PlainTransportConnectResponse.parser());
    }

    /** transport.produce; the producer's id. */
    String produce(String transportId, MediaKind kind, RtpParameters parameters) throws InterruptedException {
        return client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                        .setTransportId(transportId).setKind(kind).setRtpParameters(parameters).build())
                .as(TransportProduceResponse.parser()).getProducerId();
    }

    ProducerGetStatsResponse producerStats(String producerId) throws InterruptedException {
        return client.call(workerId, "producer.getStats",
                        ProducerGetStatsRequest.newBuilder().setProducerId(producerId).build())
                .as(ProducerGetStatsResponse.parser());
    }

    /** producer.getStats on one of the process's workers (with several loops). */
    ProducerGetStatsResponse producerStatsOn(String workerId, String producerId) throws InterruptedException {
        return client.call(workerId, "producer.getStats",
                        ProducerGetStatsRequest.newBuilder().setProducerId(producerId).build())
                .as(ProducerGetStatsResponse.parser());
    }

    ConsumerGetStatsResponse consumerStats(String consumerId) throws InterruptedException {
        return client.call(workerId, "consumer.getStats",
                        ConsumerGetStatsRequest.newBuilder().setConsumerId(consumerId).build())
                .as(ConsumerGetStatsResponse.parser());
    }
}
