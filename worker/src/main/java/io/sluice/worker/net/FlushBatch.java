package io.sluice.worker.net;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;

/**
 * Writes that share one flush. While a batch is open on the event loop's thread (the router's
 * fan-out of one packet to every consumer), {@link RtcSocket#send} writes without flushing and
 * notes its socket once; closing the batch flushes each noted socket once, so Netty's epoll
 * transport hands all the datagrams queued on one UDP socket (a WebRTC server's shared port,
 * several consumers of one transport) to the kernel in one {@code sendmmsg}, and the frames of one
 * ICE-TCP connection in one {@code writev}. Outside a batch (RTCP reports, resends, STUN, DTLS)
 * every send is flushed at once, so nothing waits for a flush that may not come.
 *
 * <p>One per thread, taken with {@link #current()} where it is used; batches nest (only the
 * outermost close flushes). Not thread-safe: each loop has its own.
 */
public final class FlushBatch {

    private static final FastThreadLocal<FlushBatch> CURRENT = new FastThreadLocal<>() {
        @Override
        protected FlushBatch initialValue() {
            return new FlushBatch();
        }
    };

    private RtcSocket[] pending = new RtcSocket[16];
    private int pendingCount;
    private int depth;
    private long flushes;

    private FlushBatch() {
    }

    /** The batch of the calling thread (an event loop's). */
    public static FlushBatch current() {
        return CURRENT.get();
    }

    /** Sends from here on wait for {@link #close()}. */
    public void open() {
        depth++;
    }

    /** Flushes every socket written to since the outermost {@link #open()}. */
    public void close() {
        if (depth == 0 || --depth > 0) {
            return;
        }
        for (int i = 0; i < pendingCount; i++) {
            RtcSocket socket = pending[i];
            pending[i] = null;
            socket.flushPending = false;
            flushes++;
            socket.channel().flush();
        }
        pendingCount = 0;
    }

    boolean isOpen() {
        return depth > 0;
    }

    /** {@code socket} was written to and must be flushed when the batch closes. */
    void defer(RtcSocket socket) {
        if (socket.flushPending) {
            return;
        }
        socket.flushPending = true;
        if (pendingCount == pending.length) {
            pending = Arrays.copyOf(pending, pendingCount * 2);
        }
        pending[pendingCount++] = socket;
    }

    /** Flushes issued by closing batches on this thread (for tests and benchmarks). */
    public long flushes() {
        return flushes;
    }
}
