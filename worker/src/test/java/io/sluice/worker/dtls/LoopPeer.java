package io.sluice.worker.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultEventLoop;
import io.sluice.worker.testsupport.Patience;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** One DtlsTransport on its own real event loop, driven from the test thread by tasks on that loop. */
final class LoopPeer implements AutoCloseable {

    final DefaultEventLoop loop = new DefaultEventLoop();
    final RecordingListener listener = new RecordingListener(loop);
    final DtlsTransport transport;

    LoopPeer(Executor handshakeExecutor, DtlsCertificate certificate, DtlsTransport.Settings settings) {
        transport = new DtlsTransport(loop, handshakeExecutor, certificate, settings, listener);
    }

    void connect(DtlsRole role, DtlsFingerprint remote) {
        run(() -> transport.connect(role, remote));
    }

    void closeTransport() {
        run(transport::close);
    }

    DtlsState state() {
        return call(transport::state);
    }

    /** Hands a datagram to the transport on its loop, then releases it. */
    void deliver(ByteBuf datagram) {
        loop.execute(() -> {
            try {
                transport.handleIncoming(datagram);
            } finally {
                datagram.release();
            }
        });
    }

    void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    <T> T call(Callable<T> task) {
        try {
            return loop.submit(task).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("task on the loop failed", e);
        }
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
