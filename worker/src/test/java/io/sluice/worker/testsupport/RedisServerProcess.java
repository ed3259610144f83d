package io.sluice.worker.testsupport;

import java.util.List;

/** A real redis-server on a free loopback port, persisting nothing, restartable on the same port. */
public final class RedisServerProcess extends LoopbackServerProcess {

    private RedisServerProcess() {
        super("redis-server", "redis-server",
                (binary, port, directory) -> List.of(binary.toString(), "--bind", "127.0.0.1", "--port",
                        Integer.toString(port), "--save", "", "--appendonly", "no", "--dir", directory.toString()));
    }

    public static RedisServerProcess start() {
        return new RedisServerProcess();
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port();
    }
}
