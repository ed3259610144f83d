package io.sluice.worker.dtls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.worker.srtp.SrtpProfile;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS-SRTP endpoint of one WebRtcTransport (RFC 5763, RFC 5764), after mediasoup's
 * DtlsTransport: it runs the DTLS 1.2 handshake over the transport's selected ICE tuple, checks the
 * peer's certificate against the fingerprint from signalling, negotiates use_srtp and exports the
 * SRTP master keys.
 *
 * <p>Threading: the owner's event loop owns this object. {@link #connect}, {@link #handleIncoming},
 * {@link #close} and the getters must be called on that loop, and every {@link Listener} callback
 * runs on it. BouncyCastle's blocking handshake runs on the shared handshake executor; the loop never
 * blocks on it. Each connecting transport occupies one executor thread until its handshake ends (at
 * most the handshake timeout, after which {@link QueuedDatagramTransport#abort} wakes it). A pool of
 * N threads would run N handshakes at once and queue the rest, so peers that start handshakes and
 * never finish them would hold up everyone else's; the worker therefore gives each handshake a
 * virtual thread of its own ({@link #newHandshakeExecutor()}): a stalled handshake costs a parked
 * virtual thread, and the handshakes' CPU work shares the carrier threads fairly. After the
 * handshake, a thread is borrowed for about a millisecond per batch of incoming datagrams
 * (retransmitted Finished, alerts, close_notify).
 */
public final class DtlsTransport {

    /** What a DtlsTransport tells its owner; every call is made on the owner's event loop. */
    public interface Listener {

        /**
         * A datagram for the peer, to send over the selected ICE tuple. The listener owns the buffer
         * (writes it or releases it). May come in any state: a fatal alert after a failure, our
         * close_notify after {@link #close()}.
         */
        void onOutgoingDtls(ByteBuf datagram);

        /**
         * The handshake succeeded. {@code localKeyAndSalt} protects what we send (SRTP master key
         * then salt, RFC 5764 §4.2), {@code remoteKeyAndSalt} what the peer sends; both are fresh
         * arrays the listener may keep.
         */
        void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt);

        /** The handshake or the connection failed; the transport is now {@link DtlsState#FAILED}. */
        void onDtlsFailed(String reason);

        /** The peer sent close_notify; the transport is now {@link DtlsState#CLOSED}. Not called for our own close(). */
        void onDtlsClosed();

        /**
         * One record of application data from the peer (RFC 8261 §3: an SCTP packet for the
         * transport's association); the listener releases the buffer.
         */
        default void onDtlsApplicationData(ByteBuf data) {
            data.release();
        }
    }

    /**
     * Tunables. {@code initialRetransmit} is the first handshake retransmission timer, doubled on
     * each expiry (RFC 6347 §4.2.4.1: 1 s initially); {@code maxDatagramSize} bounds our records so
     * that handshake messages get fragmented to fit (RFC 6347 §4.1.1.1); incoming datagrams beyond
     * {@code incomingQueueCapacity} waiting for the handshake thread are dropped.
     */
    public record Settings(Duration handshakeTimeout, Duration initialRetransmit, int maxDatagramSize,
            int incomingQueueCapacity) {

        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(30), Duration.ofSeconds(1), 1200, 64);

        public Settings {
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(initialRetransmit, "initialRetransmit");
            if (handshakeTimeout.toMillis() < 1 || initialRetransmit.toMillis() < 1) {
                throw new IllegalArgumentException("timeouts must be at least 1 ms");
            }
            if (maxDatagramSize < 128 || maxDatagramSize > QueuedDatagramTransport.MAX_DATAGRAM) {
                throw new IllegalArgumentException("maxDatagramSize out of range: " + maxDatagramSize);
            }
            if (incomingQueueCapacity < 1) {
                throw new IllegalArgumentException("incomingQueueCapacity must be positive");
            }
        }
    }

    /** BouncyCastle's handshake timer is a backstop behind ours, which carries the reason. */
    private static final int BACKSTOP_MILLIS = 1_000;

    private static final BcTlsCrypto CRYPTO = new PeerCertificateCrypto(new SecureRandom());

    private final EventExecutor loop;
    private final SerialExecutor strand;
    private final DtlsCertificate certificate;
    private final Settings settings;
    private final Listener listener;
    private final QueuedDatagramTransport datagrams;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    private DtlsState state = DtlsState.NEW;
    private DtlsRole role;
    private ScheduledFuture<?> handshakeTimer;
    private DTLSTransport connection;
    private long droppedDatagrams;
    private int applicationDataLimit;

    /**
     * @param loop the owner's event loop
     * @param handshakeExecutor shared by all transports, see {@link #newHandshakeExecutor(int)}
     */
    public DtlsTransport(EventExecutor loop, Executor handshakeExecutor, DtlsCertificate certificate,
            Settings settings, Listener listener) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.strand = new SerialExecutor(Objects.requireNonNull(handshakeExecutor, "handshakeExecutor"));
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.datagrams = new QueuedDatagramTransport(settings.incomingQueueCapacity(), settings.maxDatagramSize(),
                this::deliverOutgoing);
    }

    /**
     * One virtual thread per task: no handshake waits for another to end. Its blocking waits are
     * on a {@link java.util.concurrent.BlockingQueue} (no monitor), so they never pin a carrier.
     */
    public static ExecutorService newHandshakeExecutor() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sluice-dtls-", 1).factory());
    }

    /** A pool of {@code threads} daemon platform threads (a test peer needs one). */
    public static ExecutorService newHandshakeExecutor(int threads) {
        AtomicInteger counter = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "sluice-dtls-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * RFC 7983 §7: a datagram whose first byte is in [20..63] is DTLS (STUN is [0..3], RTP/RTCP
     * [128..191]). For the owner's demultiplexer; reads without moving the reader index.
     */
    public static boolean isDtls(ByteBuf datagram) {
        if (datagram.readableBytes() < 13) {
            return false;
        }
        int first = datagram.getUnsignedByte(datagram.readerIndex());
        return first >= 20 && first <= 63;
    }

    /**
     * Starts the handshake in the given role, expecting the peer's certificate to have
     * {@code remoteFingerprint}. Datagrams that arrived before are used (a browser's ClientHello
     * often beats the signalling).
     */
    public void connect(DtlsRole role, DtlsFingerprint remoteFingerprint) {
        assert loop.inEventLoop();
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
        if (state != DtlsState.NEW) {
            throw new IllegalStateException("connect() in state " + state);
        }
        state = DtlsState.CONNECTING;
        this.role = role;
        long timeoutMillis = settings.handshakeTimeout().toMillis();
        HandshakeSession session = new HandshakeSession(CRYPTO, certificate, remoteFingerprint,
                (int) Math.min(Integer.MAX_VALUE, timeoutMillis + BACKSTOP_MILLIS),
                (int) Math.min(Integer.MAX_VALUE, settings.initialRetransmit().toMillis()));
        handshakeTimer = loop.schedule(this::onHandshakeTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            strand.execute(() -> runHandshake(role, session));
        } catch (RejectedExecutionException e) {
            fail("DTLS handshake executor is shut down");
        }
    }

    /**
     * A DTLS datagram from the peer (see {@link #isDtls}). Copies its readable bytes; the caller
     * keeps ownership of the buffer and its reader index is unchanged.
     */
    public void handleIncoming(ByteBuf datagram) {
        assert loop.inEventLoop();
        if (state == DtlsState.FAILED || state == DtlsState.CLOSED) {
            return;
        }
        int length = datagram.readableBytes();
        if (length == 0 || length > QueuedDatagramTransport.MAX_DATAGRAM || carriesReservedVersion(datagram)
                || !datagrams.offer(ByteBufUtil.getBytes(datagram))) {
            droppedDatagrams++;
            return;
        }
        if (state == DtlsState.CONNECTED) {
            scheduleDrain();
        }
    }

    /**
     * Whether a record of the datagram claims version {254, 254}, which no DTLS version uses (DTLS
     * 1.0 is {254, 255}, 1.2 {254, 253}, RFC 6347 §4.1): BouncyCastle's record layer throws an
     * IllegalArgumentException on it and ends the handshake with internal_error (DtlsFuzzTest
     * found it), where RFC 6347 §4.1.2.7 has invalid records silently discarded. Such a datagram
     * is dropped before it is queued. Walks the record headers (13 bytes: type, version, epoch,
     * sequence number, length) without moving the reader index.
     */
    private static boolean carriesReservedVersion(ByteBuf datagram) {
        int offset = datagram.readerIndex();
        int end = datagram.writerIndex();
        while (end - offset >= 13) {
            if (datagram.getUnsignedShort(offset + 1) == 0xFEFE) {
                return true;
            }
            offset += 13 + datagram.getUnsignedShort(offset + 11);
        }
        return false;
    }

    /**
     * Sends {@code data} to the peer as one application data record (RFC 8261 §3: one SCTP packet
     * a record), encrypted on the handshake strand so that it never races a receive; takes the
     * buffer. Dropped unless connected, or larger than a record allows ({@link #maxApplicationData}).
     */
    public void sendApplicationData(ByteBuf data) {
        assert loop.inEventLoop();
        byte[] bytes = ByteBufUtil.getBytes(data);
        data.release();
        if (state != DtlsState.CONNECTED || bytes.length > applicationDataLimit) {
            return;
        }
        DTLSTransport established = connection;
        try {
            strand.execute(() -> {
                try {
                    established.send(bytes, 0, bytes.length);
                    datagrams.flush();
                } catch (IOException | RuntimeException e) {
                    String reason = describe(null, e);
                    onLoop(() -> onConnectionFailed(reason));
                }
            });
        } catch (RejectedExecutionException e) {
            fail("DTLS executor is shut down");
        }
    }

    /**
     * The most application data one record carries once connected, as BouncyCastle's record layer
     * computes it for the negotiated suite from the datagram limit; 0 before.
     */
    public int maxApplicationData() {
        assert loop.inEventLoop();
        return applicationDataLimit;
    }

    /**
     * Closes in any state; idempotent. When connected, our close_notify (RFC 5246 §7.2.1) still
     * reaches {@link Listener#onOutgoingDtls} afterwards. No listener event follows.
     */
    public void close() {
        assert loop.inEventLoop();
        DtlsState previous = state;
        if (previous == DtlsState.CLOSED) {
            return;
        }
        state = DtlsState.CLOSED;
        cancelHandshakeTimer();
        if (previous == DtlsState.CONNECTED) {
            DTLSTransport established = connection;
            try {
                strand.execute(() -> {
                    closeQuietly(established);
                    datagrams.abort();
                });
            } catch (RejectedExecutionException e) {
                datagrams.abort();
            }
        } else {
            datagrams.abort();
        }
    }

    public DtlsState state() {
        assert loop.inEventLoop();
        return state;
    }

    /** The role given to {@link #connect}, or null before. */
    public DtlsRole role() {
        assert loop.inEventLoop();
        return role;
    }

    /** Incoming datagrams dropped: empty, oversized, or beyond the queue's capacity. */
    public long droppedDatagrams() {
        assert loop.inEventLoop();
        return droppedDatagrams;
    }

    // ---- handshake executor side ----

    private void runHandshake(DtlsRole ourRole, HandshakeSession session) {
        DTLSTransport established = null;
        try {
            if (ourRole == DtlsRole.SERVER) {
                established = new DecodingDtlsServerProtocol().accept(new SrtpDtlsServer(session), datagrams);
            } else {
                established = new DTLSClientProtocol().connect(new SrtpDtlsClient(session), datagrams);
            }
            // The server's last flight (ChangeCipherSpec, Finished) is followed by no receive().
            datagrams.flush();
            SrtpProfile profile = session.selectedProfile();
            byte[] material = session.keyingMaterial();
            DtlsRole peerRole = ourRole == DtlsRole.CLIENT ? DtlsRole.SERVER : DtlsRole.CLIENT;
            byte[] local = SrtpKeySplitter.keyAndSalt(profile, material, ourRole);
            byte[] remote = SrtpKeySplitter.keyAndSalt(profile, material, peerRole);
            Arrays.fill(material, (byte) 0);
            DTLSTransport connected = established;
            int sendLimit = established.getSendLimit();
            if (!onLoop(() -> onHandshakeSucceeded(connected, sendLimit, profile, local, remote))) {
                closeQuietly(connected);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(established);
            String reason = describe(session.failureReason(), e);
            onLoop(() -> onHandshakeFailed(reason));
        }
    }

    /** Feeds queued datagrams to BouncyCastle after the handshake: retransmissions, alerts, close_notify. */
    private void drain(DTLSTransport established) {
        drainScheduled.set(false);
        try {
            byte[] plaintext = new byte[established.getReceiveLimit()];
            int received = 0;
            // A 1 ms wait: BouncyCastle reads until a record yields data or the wait ends (then it
            // returns 0 or less). After a record of data, once more: a datagram may hold several
            // records, and BouncyCastle hands out one a call.
            while ((datagrams.hasQueued() || received > 0) && !datagrams.isClosed()) {
                received = established.receive(plaintext, 0, plaintext.length, 1);
                if (received > 0) {
                    byte[] data = Arrays.copyOf(plaintext, received);
                    onLoop(() -> deliverApplicationData(data));
                }
            }
        } catch (IOException | RuntimeException e) {
            String reason = describe(null, e);
            onLoop(() -> onConnectionFailed(reason));
            return;
        } finally {
            // A retransmitted Finished written by the last receive().
            datagrams.flush();
        }
        if (datagrams.isClosed()) {
            onLoop(this::onPeerClosed);
        }
    }

    private void deliverOutgoing(byte[] datagram) {
        onLoop(() -> listener.onOutgoingDtls(Unpooled.wrappedBuffer(datagram)));
    }

    private boolean onLoop(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static void closeQuietly(DTLSTransport established) {
        if (established == null) {
            return;
        }
        try {
            established.close();
        } catch (IOException | RuntimeException ignored) {
            // The peer learns nothing more from a failed close_notify than from none.
        }
    }

    private static String describe(String ourReason, Exception e) {
        if (ourReason != null) {
            return ourReason;
        }
        if (e instanceof TlsFatalAlertReceived received) {
            return "peer sent fatal alert " + AlertDescription.getText(received.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert alert) {
            return "DTLS alert " + AlertDescription.getText(alert.getAlertDescription())
                    + (alert.getMessage() == null ? "" : ": " + alert.getMessage());
        }
        if (e instanceof TlsTimeoutException) {
            return "DTLS handshake timed out";
        }
        return "DTLS error: " + e;
    }

    // ---- event loop side ----

    private void onHandshakeSucceeded(DTLSTransport established, int sendLimit, SrtpProfile profile, byte[] local,
            byte[] remote) {
        if (state != DtlsState.CONNECTING) {
            strand.execute(() -> closeQuietly(established));
            return;
        }
        cancelHandshakeTimer();
        connection = established;
        applicationDataLimit = sendLimit;
        state = DtlsState.CONNECTED;
        listener.onDtlsConnected(profile, local, remote);
        if (state == DtlsState.CONNECTED && datagrams.hasQueued()) {
            scheduleDrain();
        }
    }

    private void deliverApplicationData(byte[] data) {
        if (state == DtlsState.CONNECTED) {
            listener.onDtlsApplicationData(Unpooled.wrappedBuffer(data));
        }
    }

    private void onHandshakeFailed(String reason) {
        if (state == DtlsState.CONNECTING) {
            fail(reason);
        }
    }

    private void onHandshakeTimeout() {
        if (state == DtlsState.CONNECTING) {
            fail("DTLS handshake timed out after " + settings.handshakeTimeout().toMillis() + " ms");
        }
    }

    private void onConnectionFailed(String reason) {
        if (state == DtlsState.CONNECTED) {
            fail(reason);
        }
    }

    private void onPeerClosed() {
        if (state == DtlsState.CONNECTED) {
            state = DtlsState.CLOSED;
            datagrams.abort();
            listener.onDtlsClosed();
        }
    }

    private void fail(String reason) {
        state = DtlsState.FAILED;
        cancelHandshakeTimer();
        datagrams.abort();
        listener.onDtlsFailed(reason);
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            DTLSTransport established = connection;
            strand.execute(() -> drain(established));
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }
}
