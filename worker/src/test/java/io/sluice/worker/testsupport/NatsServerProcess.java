package io.sluice.worker.testsupport;

import java.util.List;

/** A real nats-server on a free loopback port, owned by one test class. Restartable on the same port. */
public final class NatsServerProcess extends LoopbackServerProcess {

    private NatsServerProcess() {
        super("nats-server", "nats-server",
                (binary, port, directory) -> List.of(binary.toString(), "-a", "127.0.0.1", "-p", Integer.toString(port)));
    }

    public static NatsServerProcess start() {
        return new NatsServerProcess();
    }

    @Override
    public String url() {
        return "nats://127.0.0.1:" + port();
    }
}
