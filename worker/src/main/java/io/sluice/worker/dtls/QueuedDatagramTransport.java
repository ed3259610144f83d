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
 * <p>Incoming datagrams are screened first (RFC 6347 §4.1.2.7: invalid records are silently
 * discarded): BouncyCastle answers an encrypted record too short to hold a GCM nonce and tag with a
 * fatal decode_error, so a single forged 17-byte datagram would end a connection.
 *
 * <p>{@link #offer} and {@link #abort} run on the owner's loop and never block; the other methods
 * run on the transport's handshake strand, one thread at a time.
 */
final class QueuedDatagramTransport implements DatagramTransport {

    /** Any datagram that fits in one UDP packet; larger ones are dropped by the owner. */
    static final int MAX_DATAGRAM = 65_507;

    private static final int RECORD_HEADER_LENGTH = 13;
    private static final int HANDSHAKE_HEADER_LENGTH = 12;

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
        return copyValidRecords(datagram, buf, off, len);
    }

    /**
     * Copies the datagram's records (RFC 6347 §4.1: 13-byte header with the epoch at 3 and the
     * length at 11) except encrypted ones (epoch above 0) too short to be genuine; stops at a
     * truncated record. Returns the bytes copied, 0 when nothing was valid.
     */
    static int copyValidRecords(byte[] datagram, byte[] buf, int off, int len) {
        int copied = 0;
        int position = 0;
        while (position + RECORD_HEADER_LENGTH <= datagram.length) {
            int epoch = ((datagram[position + 3] & 0xff) << 8) | (datagram[position + 4] & 0xff);
            int length = ((datagram[position + 11] & 0xff) << 8) | (datagram[position + 12] & 0xff);
            int recordLength = RECORD_HEADER_LENGTH + length;
            if (position + recordLength > datagram.length) {
                break;
            }
            boolean valid = epoch == 0
                    ? !isHandshake(datagram[position]) || holdsWholeFragment(datagram, position + RECORD_HEADER_LENGTH, length)
                    : length >= CipherSuites.MIN_ENCRYPTED_RECORD_LENGTH;
            if (valid && copied + recordLength <= len) {
                System.arraycopy(datagram, position, buf, off + copied, recordLength);
                copied += recordLength;
            }
            position += recordLength;
        }
        return copied;
    }

    private static boolean isHandshake(byte contentType) {
        return contentType == 22;
    }

    /**
     * RFC 6347 §4.2.2: a plaintext handshake record starts with a 12-byte message header whose
     * fragment lies inside the message and inside the record. BouncyCastle would skip a broken one
     * anyway, but only after moving epoch 0's replay window to its sequence number, which makes it
     * drop the peer's genuine records as too old.
     */
    private static boolean holdsWholeFragment(byte[] datagram, int body, int length) {
        if (length < HANDSHAKE_HEADER_LENGTH) {
            return false;
        }
        int messageLength = uint24(datagram, body + 1);
        int fragmentOffset = uint24(datagram, body + 6);
        int fragmentLength = uint24(datagram, body + 9);
        return HANDSHAKE_HEADER_LENGTH + fragmentLength <= length && fragmentOffset + fragmentLength <= messageLength;
    }

    private static int uint24(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xff) << 16) | ((bytes[offset + 1] & 0xff) << 8) | (bytes[offset + 2] & 0xff);
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
