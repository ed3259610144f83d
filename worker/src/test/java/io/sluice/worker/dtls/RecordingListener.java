package io.sluice.worker.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.srtp.SrtpProfile;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A DtlsTransport listener for tests: records events and checks each one runs on the owner's loop. */
final class RecordingListener implements DtlsTransport.Listener {

    record Connected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {}

    final CompletableFuture<Connected> connected = new CompletableFuture<>();
    final CompletableFuture<String> failed = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    final AtomicInteger outgoing = new AtomicInteger();
    final AtomicInteger events = new AtomicInteger();
    final List<String> offLoopCalls = new CopyOnWriteArrayList<>();

    private final EventExecutor loop;
    private volatile Consumer<ByteBuf> sink = ByteBuf::release;

    RecordingListener(EventExecutor loop) {
        this.loop = loop;
    }

    /** Where outgoing datagrams go; the sink owns (releases) each buffer. */
    void sendTo(Consumer<ByteBuf> sink) {
        this.sink = sink;
    }

    @Override
    public void onOutgoingDtls(ByteBuf datagram) {
        checkLoop("onOutgoingDtls");
        outgoing.incrementAndGet();
        sink.accept(datagram);
    }

    @Override
    public void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {
        checkLoop("onDtlsConnected");
        events.incrementAndGet();
        connected.complete(new Connected(profile, localKeyAndSalt, remoteKeyAndSalt));
    }

    @Override
    public void onDtlsFailed(String reason) {
        checkLoop("onDtlsFailed");
        events.incrementAndGet();
        failed.complete(reason);
    }

    @Override
    public void onDtlsClosed() {
        checkLoop("onDtlsClosed");
        events.incrementAndGet();
        closed.complete(null);
    }

    private void checkLoop(String callback) {
        if (!loop.inEventLoop()) {
            offLoopCalls.add(callback + " on " + Thread.currentThread().getName());
        }
    }
}
