package io.sluice.worker.control;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.sluice.api.v1.Event;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the integration tests of this package drive: a real worker process with one loop on its own
 * nats-server and redis-server, RTC ports on 127.0.0.1 from a range of a thousand, a control client,
 * and the events it published on the subjects asked for.
 */
final class RunningWorker implements AutoCloseable {

    final NatsServerProcess nats;
    final RedisServerProcess redis;
    final WorkerProcess process;
    final Connection connection;
    final ControlClient client;
    final String workerId;
    final List<Event> events = new CopyOnWriteArrayList<>();

    private RunningWorker(String name, int rtcMinPort, List<String> eventSubjects) throws Exception {
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        process = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKERS", "1",
                "WORKER_ID", name + "-" + UUID.randomUUID().toString().substring(0, 8),
                "LISTEN_IP", "127.0.0.1",
                "RTC_MIN_PORT", Integer.toString(rtcMinPort), "RTC_MAX_PORT", Integer.toString(rtcMinPort + 999))));
        workerId = process.workerIds().get(0);
        connection = Nats.connect(nats.url());
        client = new ControlClient(connection, Duration.ofSeconds(10));
        if (!eventSubjects.isEmpty()) {
            Dispatcher dispatcher = connection.createDispatcher(message -> {
                try {
                    events.add(Event.parseFrom(message.getData()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            eventSubjects.forEach(dispatcher::subscribe);
            connection.flush(Duration.ofSeconds(5));
        }
    }

    /** Starts everything; {@code eventSubjects} (e.g. {@code sluice.event.>}) fill {@link #events}. */
    static RunningWorker start(String name, int rtcMinPort, String... eventSubjects) throws Exception {
        return new RunningWorker(name, rtcMinPort, List.of(eventSubjects));
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
}
