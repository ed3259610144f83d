package io.sluice.worker.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * BouncyCastle's view of the network for one {@link DtlsTransport}: {@link #receive} takes the
 * datagrams the owner's loop queued with {@link #offer}, waiting at most BouncyCastle's own
 * retransmission timer, and {@link #send} hands a copy of each record to the owner.
 *
 * <p>{@link #offer} and {@link #abort} run on the owner's loop and never block; {@link #receive},
 * {@link #send} and {@link #close} run on the handshake executor.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    /** Any datagram that fits in one UDP packet; larger ones are dropped by the owner. */
    static final int MAX_DATAGRAM = 65_507;

    /** Queued by {@link #abort} to wake a receive() blocked on an empty queue. */
    private static final byte[] WAKE_UP = new byte[0];

    private final BlockingQueue<byte[]> incoming;
    private final int sendLimit;
    private final Consumer<byte[]> outgoing;

    private volatile boolean aborted;
    private volatile boolean closed;

    QueuedDatagramTransport(int capacity, int sendLimit, Consumer<byte[]> outgoing) {
        this.incoming = new ArrayBlockingQueue<>(capacity);
        this.sendLimit = sendLimit;
        this.outgoing = outgoing;
    }

    /** Queues a datagram; false when the queue is full or aborted (the datagram is dropped, as UDP would). */
    boolean offer(byte[] datagram) {
        return !aborted && incoming.offer(datagram);
    }

    boolean hasQueued() {
        return !incoming.isEmpty();
    }

    /** Makes the pending and every later receive() fail, so that a blocked handshake ends now. */
    void abort() {
        aborted = true;
        incoming.clear();
        incoming.offer(WAKE_UP);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public int getReceiveLimit() {
        return MAX_DATAGRAM;
    }

    @Override
    public int getSendLimit() {
        return sendLimit;
    }

    /**
     * Returns the datagram's length, or -1 when none came within {@code waitMillis}. As in
     * BouncyCastle's UDPTransport (a socket's SO_TIMEOUT), zero means wait without limit.
     */
    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (aborted) {
            throw new IOException("DTLS transport aborted");
        }
        byte[] datagram;
        try {
            datagram = waitMillis == 0 ? incoming.take() : incoming.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a DTLS datagram");
        }
        if (datagram == null) {
            return -1;
        }
        if (aborted) {
            throw new IOException("DTLS transport aborted");
        }
        int length = Math.min(len, datagram.length);
        System.arraycopy(datagram, 0, buf, off, length);
        return length;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        if (aborted || closed) {
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        outgoing.accept(copy);
    }

    /**
     * Called by BouncyCastle's record layer once it is closed: after it sent our close_notify,
     * received the peer's, or met a fatal alert.
     */
    @Override
    public void close() {
        closed = true;
    }
}
