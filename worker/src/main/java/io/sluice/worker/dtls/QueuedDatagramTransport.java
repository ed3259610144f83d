package io.sluice.worker.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.bouncycastle.tls.DatagramTransport;

/**
 * BouncyCastle's view of the network for one {@link DtlsTransport}: {@link #receive} takes the
 * datagrams the owner's loop queued with {@link #offer}, waiting at most BouncyCastle's own
 * retransmission timer, and {@link #send} packs records into datagrams for the owner.
 *
 * <p>BouncyCastle writes one record per send() call. Like OpenSSL's buffered write BIO we pack a
 * flight's records into as few datagrams as fit, flushing when BouncyCastle starts waiting for the
 * peer: with one record per datagram, losing a CertificateVerify while the ChangeCipherSpec after it
 * arrives makes BouncyCastle switch to the next read epoch and drop every retransmitted epoch-0
 * record, which stalls the handshake.
 *
 * <p>{@link #offer} and {@link #abort} run on the owner's loop and never block; the other methods
 * run on the transport's handshake strand, one thread at a time.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    /** Any datagram that fits in one UDP packet; larger ones are dropped by the owner. */
    static final int MAX_DATAGRAM = 65_507;

    /** Queued by {@link #abort} to wake a receive() blocked on an empty queue. */
    private static final byte[] WAKE_UP = new byte[0];

    private final BlockingQueue<byte[]> incoming;
    private final int sendLimit;
    private final Consumer<byte[]> outgoing;
    private final byte[] unsent;
    private int unsentLength;

    private volatile boolean aborted;
    private volatile boolean closed;

    QueuedDatagramTransport(int capacity, int sendLimit, Consumer<byte[]> outgoing) {
        this.incoming = new ArrayBlockingQueue<>(capacity);
        this.sendLimit = sendLimit;
        this.outgoing = outgoing;
        this.unsent = new byte[sendLimit];
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
        flush();
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
        if (unsentLength + len > sendLimit) {
            flush();
        }
        if (len > sendLimit) {
            outgoing.accept(Arrays.copyOfRange(buf, off, off + len));
            return;
        }
        System.arraycopy(buf, off, unsent, unsentLength, len);
        unsentLength += len;
    }

    /** Hands the packed records to the owner as one datagram. */
    void flush() {
        if (unsentLength > 0) {
            byte[] datagram = Arrays.copyOf(unsent, unsentLength);
            unsentLength = 0;
            if (!aborted) {
                outgoing.accept(datagram);
            }
        }
    }

    /**
     * Called by BouncyCastle's record layer once it is closed: after it sent our close_notify,
     * received the peer's, or met a fatal alert (sent just before).
     */
    @Override
    public void close() {
        flush();
        closed = true;
    }
}
