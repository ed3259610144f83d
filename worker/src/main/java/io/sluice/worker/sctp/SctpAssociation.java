package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;

/**
 * One SCTP association (RFC 9260) as WebRTC uses it (RFC 8831 §6), driven entirely by its caller
 * on one thread: packets in through {@link #onPacket}, messages in through {@link #send}, timers
 * through the {@link SctpScheduler}, and everything out through the {@link Listener}. It starts
 * no thread, takes no lock and never blocks.
 *
 * <p>Covered: the four-way handshake with a signed cookie from either side (§5), DATA with
 * fragmentation, ordered and unordered delivery (§6), SACK with gap blocks and delayed acks
 * (§6.2), retransmission with RTO and fast retransmit (§6.3, §7.2.4), congestion and flow control
 * (§7.2, §6.1), partial reliability with FORWARD TSN (RFC 3758), stream reset (RFC 6525),
 * HEARTBEAT answers (§8.3), graceful SHUTDOWN (§9.2) and ABORT (§9.1).
 * Not covered: multi-homing (WebRTC has one path), restart of an established association
 * (§5.2.2, §5.2.4 case A: its INIT and COOKIE ECHO are answered as to a new peer and then ignored),
 * sending HEARTBEATs (ICE consent freshness watches the path, RFC 7675), reneging (gap-acked data
 * is released at once), I-DATA (RFC 8260) and zero checksum (RFC 9653).
 *
 * <p>Buffers: {@link #onPacket} does not take the packet (it keeps retained slices of fragments
 * it must hold); {@link #send} takes its payload; the listener takes each packet and message.
 */
public final class SctpAssociation {

    /** Where the association's output goes. Each call is made on the association's thread. */
    public interface Listener {
        /** An SCTP packet to send to the peer; the listener releases it. */
        void onPacket(ByteBuf packet);

        /** A whole message; the listener releases the payload. */
        void onMessage(int streamId, long payloadProtocolId, ByteBuf payload);

        void onStateChange(SctpState state);

        /** The peer reset these streams of its own (RFC 6525 §5.2.2): their next messages start a new sequence. */
        default void onIncomingStreamsReset(int[] streams) {}

        /** The peer performed the reset this side asked for with {@link #resetStreams}. */
        default void onOutgoingStreamsReset(int[] streams) {}
    }

    private final SctpConfig config;
    private final Clock clock;
    private final ByteBufAllocator allocator;
    private final SecureRandom random;
    private final Listener listener;
    private final StateCookie.Signer cookieSigner;
    private final RetransmissionTimeout rto;
    private final SctpTimer initTimer;
    private final SctpTimer retransmissionTimer;
    private final SctpTimer shutdownTimer;
    private final AckSchedule ackSchedule;
    private final StreamResets streamResets;
    private final PacketBundler bundler;
    private SctpState state = SctpState.CLOSED;
    private String closeReason;
    private long localTag;
    private long peerTag;
    private long localInitialTsn;
    private SendQueue sendQueue;
    private ReceiveQueue receiveQueue;
    private long peerReceiverWindow;
    private InitChunk sentInit;
    private byte[] echoedCookie;
    private int initTransmissions;
    private int consecutiveTimeouts;
    private boolean peerSupportsPartialReliability;

    public SctpAssociation(SctpConfig config, Clock clock, SctpScheduler scheduler, ByteBufAllocator allocator,
            SecureRandom random, Listener listener) {
        this.config = config;
        this.clock = clock;
        this.allocator = allocator;
        this.random = random;
        this.listener = listener;
        this.cookieSigner = new StateCookie.Signer(random);
        this.rto = new RetransmissionTimeout(config.rtoInitialMillis(), config.rtoMinMillis(), config.rtoMaxMillis());
        this.initTimer = new SctpTimer(scheduler, this::onInitTimeout);
        this.retransmissionTimer = new SctpTimer(scheduler, this::onRetransmissionTimeout);
        this.shutdownTimer = new SctpTimer(scheduler, this::onShutdownTimeout);
        this.ackSchedule = new AckSchedule(scheduler, config.delayedAckMillis(), this::flush);
        this.streamResets = new StreamResets(new StreamResetHost(), scheduler);
        this.bundler = new PacketBundler(config, allocator, this::onPacketBundled);
    }

    public SctpState state() {
        return state;
    }

    /** Why the association closed (an ABORT's causes, too many retransmissions...), or null. */
    public String closeReason() {
        return closeReason;
    }

    public int maxMessageSize() {
        return config.maxMessageSize();
    }

    /** Bytes given to {@link #send} that are neither acknowledged nor abandoned yet. */
    public long bufferedBytes() {
        return sendQueue == null ? 0 : sendQueue.bufferedBytes();
    }

    /** The smoothed round-trip time, or -1 before the first measurement. */
    public long smoothedRttMillis() {
        return rto.smoothedRttMillis();
    }

    public long congestionWindowBytes() {
        return sendQueue == null ? 0 : sendQueue.congestionWindow();
    }

    /** Whether TSNs are missing below the highest received: what FORWARD TSN clears after abandonment. */
    boolean hasReceiveGaps() {
        return receiveQueue != null && receiveQueue.hasGaps();
    }

    /** Starts the association from this side: INIT, then COOKIE ECHO (§5.1 A, C). */
    public void connect() {
        if (state != SctpState.CLOSED || closeReason != null) {
            throw new IllegalStateException("connect once, from CLOSED: " + state);
        }
        localTag = nonZeroRandom();
        localInitialTsn = random.nextInt() & 0xffffffffL;
        sentInit = new InitChunk(false, localTag, config.receiveBufferBytes(), config.streams(),
                config.inboundStreams(), localInitialTsn, true, true, null);
        sendQueue = new SendQueue(config, localInitialTsn);
        setState(SctpState.COOKIE_WAIT);
        sendInit();
    }

    private void sendInit() {
        initTransmissions++;
        bundler.emitSingle(0, new ControlChunk(sentInit.serializedLength(), sentInit::writeTo));
        initTimer.start(rto.millis());
    }

    /** Sends a message on {@code streamId}; takes {@code payload} whatever the result. */
    public SendResult send(int streamId, long payloadProtocolId, boolean ordered, Reliability reliability,
            ByteBuf payload) {
        SendResult result = admit(streamId, payload.readableBytes());
        if (result != SendResult.QUEUED) {
            payload.release();
            return result;
        }
        sendQueue.enqueue(streamId, payloadProtocolId, !ordered,
                peerSupportsPartialReliability ? reliability : Reliability.RELIABLE, payload, clock.monotonicMillis());
        flush();
        return result;
    }

    private SendResult admit(int streamId, int length) {
        if (state != SctpState.ESTABLISHED) {
            return SendResult.NOT_ESTABLISHED;
        }
        if (length == 0) {
            return SendResult.EMPTY;
        }
        if (length > config.maxMessageSize()) {
            return SendResult.TOO_LARGE;
        }
        return streamId < 0 || streamId >= sendQueue.outboundStreams() ? SendResult.INVALID_STREAM : SendResult.QUEUED;
    }

    /** Resets this side's outgoing {@code streams} (RFC 6525 §5.1.2): how a data channel is closed (RFC 8831 §6.7). */
    public void resetStreams(int... streams) {
        if (state == SctpState.ESTABLISHED) {
            streamResets.reset(streams);
            flush();
        }
    }

    /** Graceful close (§9.2): SHUTDOWN once every queued message is acknowledged or abandoned. */
    public void shutdown() {
        if (state == SctpState.ESTABLISHED) {
            setState(SctpState.SHUTDOWN_PENDING);
            continueShutdown();
            flush();
        } else if (state == SctpState.COOKIE_WAIT || state == SctpState.COOKIE_ECHOED) {
            close("shut down before established");
        }
    }

    /** Ends the association at once, telling the peer with ABORT (§9.1, cause 12). */
    public void abort(String reason) {
        if (state == SctpState.CLOSED) {
            return;
        }
        if (state != SctpState.COOKIE_WAIT) {
            bundler.emitSingle(peerTag, ControlChunk.withCause(ChunkType.ABORT, new ErrorCause(
                    ErrorCause.USER_INITIATED_ABORT, reason.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
        close("aborted: " + reason);
    }

    /** One SCTP packet from the peer (§8.5 verification tag rules, §6.8 checksum); the caller keeps {@code packet}. */
    public void onPacket(ByteBuf packet) {
        int index = packet.readerIndex();
        int length = packet.readableBytes();
        if (!SctpPacket.chunksWellFormed(packet, index, length) || !SctpPacket.checksumValid(packet, index, length)
                || SctpPacket.destinationPort(packet, index) != config.port()) {
            return;
        }
        int end = index + length;
        int first = SctpPacket.firstChunk(packet, index, length);
        long tag = SctpPacket.verificationTag(packet, index);
        int firstType = SctpPacket.chunkType(packet, first);
        if (firstType == ChunkType.INIT) {
            // §8.5.1 A: an INIT travels alone, with tag 0
            InitChunk init = InitChunk.parse(packet, first);
            if (tag == 0 && init != null && SctpPacket.nextChunk(packet, first, end) < 0) {
                onInit(init);
            }
            return;
        }
        if (firstType == ChunkType.ABORT || firstType == ChunkType.SHUTDOWN_COMPLETE) {
            boolean reflected = (SctpPacket.chunkFlags(packet, first) & ChunkType.FLAG_T) != 0;
            if (state != SctpState.CLOSED && tag == (reflected ? peerTag : localTag)) { // §8.5.1 B, C
                if (firstType == ChunkType.ABORT) {
                    close("peer aborted: " + ErrorCause.parseAll(packet, first));
                } else if (state == SctpState.SHUTDOWN_ACK_SENT) {
                    close(null);
                }
            }
            return;
        }
        if (firstType != ChunkType.COOKIE_ECHO && (state == SctpState.CLOSED || tag != localTag)) {
            return; // §8.5: not for this association (COOKIE ECHO's tag is checked against its cookie)
        }
        boolean hadData = false;
        boolean hadForwardTsn = false;
        for (int chunk = first; chunk >= 0; chunk = SctpPacket.nextChunk(packet, chunk, end)) {
            int type = SctpPacket.chunkType(packet, chunk);
            if (type == ChunkType.COOKIE_ECHO) {
                if (!onCookieEcho(packet, chunk, tag)) {
                    return;
                }
            } else if (state == SctpState.CLOSED || !dispatch(packet, chunk, type)) {
                break;
            }
            hadData |= type == ChunkType.DATA;
            hadForwardTsn |= type == ChunkType.FORWARD_TSN;
        }
        if (hadData) {
            ackSchedule.onDataPacket(state == SctpState.ESTABLISHED);
        }
        if ((hadData || hadForwardTsn) && state.carriesData()) {
            streamResets.onCumulativeTsnAdvanced();
        }
        flush();
    }

    /** Handles one chunk of an established association's packet; false stops processing the packet (§3.2). */
    private boolean dispatch(ByteBuf packet, int chunk, int type) {
        switch (type) {
            case ChunkType.DATA -> onData(packet, chunk);
            case ChunkType.SACK -> onSack(packet, chunk);
            case ChunkType.INIT_ACK -> onInitAck(InitChunk.parse(packet, chunk));
            case ChunkType.COOKIE_ACK -> onCookieAck();
            case ChunkType.HEARTBEAT -> onHeartbeat(packet, chunk);
            case ChunkType.HEARTBEAT_ACK, ChunkType.ERROR -> { }
            case ChunkType.SHUTDOWN -> onShutdown(packet, chunk);
            case ChunkType.SHUTDOWN_ACK -> onShutdownAck();
            case ChunkType.FORWARD_TSN -> onForwardTsn(ForwardTsnChunk.parse(packet, chunk));
            case ChunkType.RE_CONFIG -> {
                ReConfigChunk reconfig = ReConfigChunk.parse(packet, chunk);
                if (reconfig != null && state.carriesData()) {
                    streamResets.onReConfig(reconfig);
                }
            }
            default -> {
                return onUnknownChunk(packet, chunk, type);
            }
        }
        return true;
    }

    /** §3.2: the high bits of an unknown type say whether to skip it, and whether to report it in an ERROR (cause 6). */
    private boolean onUnknownChunk(ByteBuf packet, int chunk, int type) {
        if (ChunkType.reportWhenUnknown(type) && state != SctpState.COOKIE_WAIT) {
            byte[] unknown = new byte[SctpPacket.chunkLength(packet, chunk)];
            packet.getBytes(chunk, unknown);
            bundler.queueControl(ControlChunk.withCause(ChunkType.ERROR,
                    new ErrorCause(ErrorCause.UNRECOGNIZED_CHUNK_TYPE, unknown)));
        }
        return ChunkType.skipWhenUnknown(type);
    }

    // ---- handshake (§5) ----

    /** §5.1 B: answer with INIT ACK and a cookie, keeping no state; §5.2.1: in a collision, with the tag already chosen. */
    private void onInit(InitChunk init) {
        boolean collision = state == SctpState.COOKIE_WAIT || state == SctpState.COOKIE_ECHOED;
        long tag = collision ? localTag : nonZeroRandom();
        long initialTsn = collision ? localInitialTsn : random.nextInt() & 0xffffffffL;
        byte[] cookie = cookieSigner.sign(StateCookie.of(init, tag, initialTsn, clock.monotonicMillis()));
        InitChunk initAck = new InitChunk(true, tag, config.receiveBufferBytes(), config.streams(),
                config.inboundStreams(), initialTsn, true, true, cookie);
        bundler.emitSingle(init.initiateTag(), new ControlChunk(initAck.serializedLength(), initAck::writeTo));
    }

    private void onInitAck(InitChunk initAck) {
        if (state != SctpState.COOKIE_WAIT || initAck == null) {
            return; // §5.2.3: an unexpected INIT ACK is discarded
        }
        initTimer.stop();
        adoptPeer(initAck.initiateTag(), initAck.advertisedReceiverWindow(), initAck.inboundStreams(),
                initAck.initialTsn(), initAck.forwardTsnSupported());
        echoedCookie = initAck.stateCookie();
        initTransmissions = 0;
        setState(SctpState.COOKIE_ECHOED);
        sendCookieEcho();
    }

    private void sendCookieEcho() {
        initTransmissions++;
        bundler.queueControl(ControlChunk.withValue(ChunkType.COOKIE_ECHO, echoedCookie));
        initTimer.start(rto.millis());
    }

    /** §5.1.5 and §5.2.4: false when the cookie is not ours, stale, or for another association (the packet is dropped). */
    private boolean onCookieEcho(ByteBuf packet, int chunk, long tag) {
        byte[] bytes = new byte[SctpPacket.chunkLength(packet, chunk) - SctpPacket.CHUNK_HEADER_LENGTH];
        packet.getBytes(chunk + SctpPacket.CHUNK_HEADER_LENGTH, bytes);
        StateCookie cookie = cookieSigner.verify(bytes);
        if (cookie == null || tag != cookie.localTag()
                || clock.monotonicMillis() - cookie.createdMillis() > config.cookieLifetimeMillis()) {
            return false;
        }
        boolean fresh = state == SctpState.CLOSED && closeReason == null;
        boolean collision = (state == SctpState.COOKIE_WAIT || state == SctpState.COOKIE_ECHOED)
                && cookie.localTag() == localTag;
        boolean duplicate = state.carriesData() && cookie.localTag() == localTag && cookie.peerInitiateTag() == peerTag;
        if (fresh) {
            localTag = cookie.localTag();
            localInitialTsn = cookie.localInitialTsn();
            sendQueue = new SendQueue(config, localInitialTsn);
        }
        if (fresh || collision) {
            initTimer.stop();
            adoptPeer(cookie.peerInitiateTag(), cookie.peerReceiverWindow(), cookie.peerInboundStreams(),
                    cookie.peerInitialTsn(), cookie.peerForwardTsn());
            setState(SctpState.ESTABLISHED);
        }
        if (fresh || collision || duplicate) {
            bundler.queueControl(ControlChunk.headerOnly(ChunkType.COOKIE_ACK));
            return true;
        }
        return false;
    }

    private void onCookieAck() {
        if (state == SctpState.COOKIE_ECHOED) {
            initTimer.stop();
            echoedCookie = null;
            setState(SctpState.ESTABLISHED);
        }
    }

    private void adoptPeer(long tag, long window, int peerInboundStreams, long peerInitialTsn, boolean forwardTsn) {
        peerTag = tag;
        peerReceiverWindow = window;
        peerSupportsPartialReliability = forwardTsn;
        sendQueue.onPeerParameters(window, Math.min(config.streams(), peerInboundStreams));
        if (receiveQueue == null) {
            receiveQueue = new ReceiveQueue(allocator, config.receiveBufferBytes(), config.maxMessageSize(),
                    peerInitialTsn, listener::onMessage);
        }
        streamResets.onEstablished(localInitialTsn, peerInitialTsn);
    }

    private void onInitTimeout() {
        if (initTransmissions > config.maxInitRetransmits()) {
            close("no answer to " + (state == SctpState.COOKIE_WAIT ? "INIT" : "COOKIE ECHO"));
            return;
        }
        rto.backOff();
        if (state == SctpState.COOKIE_WAIT) {
            sendInit();
        } else if (state == SctpState.COOKIE_ECHOED) {
            sendCookieEcho();
            flush();
        }
    }

    // ---- data (§6) ----

    private void onData(ByteBuf packet, int chunk) {
        if (!state.carriesData() || state == SctpState.SHUTDOWN_RECEIVED || !DataChunk.valid(packet, chunk)) {
            return;
        }
        boolean fresh = receiveQueue.onData(packet, chunk);
        if (!fresh || receiveQueue.hasGaps()
                || (SctpPacket.chunkFlags(packet, chunk) & DataChunk.FLAG_IMMEDIATE) != 0) {
            ackSchedule.ackNow(); // §6.2: duplicates and gaps are reported at once; RFC 7053 I bit
        }
    }

    private void onSack(ByteBuf packet, int chunk) {
        SackChunk sack = SackChunk.parse(packet, chunk);
        if (sack == null || sendQueue == null || !state.carriesData() && state != SctpState.SHUTDOWN_ACK_SENT) {
            return;
        }
        applyCumulativeAck(sack);
    }

    private void applyCumulativeAck(SackChunk sack) {
        long before = sendQueue.cumulativeTsnAck();
        long cumulative = Serial.unwrap(sack.cumulativeTsnAck(), before);
        peerReceiverWindow = sack.advertisedReceiverWindow();
        long rtt = sendQueue.onSack(sack, cumulative, clock.monotonicMillis());
        if (rtt >= 0) {
            rto.onMeasurement(rtt);
        }
        boolean advanced = sendQueue.cumulativeTsnAck() > before;
        if (advanced) {
            consecutiveTimeouts = 0;
        }
        if (!sendQueue.hasOutstanding()) {
            retransmissionTimer.stop();
        } else if (advanced) {
            retransmissionTimer.start(rto.millis()); // §6.3.2 R3
        }
        continueShutdown();
    }

    private void onForwardTsn(ForwardTsnChunk forward) {
        if (forward != null && receiveQueue != null && state.carriesData()) {
            receiveQueue.onForwardTsn(forward);
            ackSchedule.ackNow(); // RFC 3758 §3.6: answered with a SACK at once
        }
    }

    /** §6.3.3: back off, collapse cwnd, retransmit; too many in a row and the peer is unreachable (§8.1). */
    private void onRetransmissionTimeout() {
        if (sendQueue == null || !state.carriesData() && state != SctpState.SHUTDOWN_ACK_SENT) {
            return;
        }
        if (++consecutiveTimeouts > config.maxAssociationRetransmits()) {
            abort("peer unreachable: " + consecutiveTimeouts + " retransmission timeouts in a row");
            return;
        }
        rto.backOff();
        sendQueue.onRetransmissionTimeout(clock.monotonicMillis());
        flush();
        if (sendQueue.hasOutstanding()) {
            retransmissionTimer.startIfStopped(rto.millis());
        }
    }

    private void onHeartbeat(ByteBuf packet, int chunk) {
        int length = SctpPacket.chunkLength(packet, chunk);
        byte[] information = new byte[length - SctpPacket.CHUNK_HEADER_LENGTH];
        packet.getBytes(chunk + SctpPacket.CHUNK_HEADER_LENGTH, information);
        // §8.3: the HEARTBEAT ACK carries the Heartbeat Info parameter back unchanged
        bundler.queueControl(ControlChunk.withValue(ChunkType.HEARTBEAT_ACK, information));
    }

    // ---- shutdown (§9.2) ----

    private void onShutdown(ByteBuf packet, int chunk) {
        if (SctpPacket.chunkLength(packet, chunk) < 8 || sendQueue == null) {
            return;
        }
        if (state == SctpState.ESTABLISHED || state == SctpState.SHUTDOWN_PENDING) {
            setState(SctpState.SHUTDOWN_RECEIVED);
        }
        if (state == SctpState.SHUTDOWN_RECEIVED) {
            applyCumulativeAck(new SackChunk(packet.getUnsignedInt(chunk + 4), peerReceiverWindow, new int[0],
                    new int[0], new long[0]));
        } else if (state == SctpState.SHUTDOWN_SENT) {
            sendShutdownAck(); // both sides shut down at once
        }
    }

    private void continueShutdown() {
        if (!sendQueue.empty()) {
            return;
        }
        if (state == SctpState.SHUTDOWN_PENDING) {
            retransmissionTimer.stop();
            setState(SctpState.SHUTDOWN_SENT);
            sendShutdown();
        } else if (state == SctpState.SHUTDOWN_RECEIVED) {
            retransmissionTimer.stop();
            sendShutdownAck();
        }
    }

    private void sendShutdown() {
        bundler.queueControl(ControlChunk.shutdown(receiveQueue.cumulativeTsn() & 0xffffffffL));
        shutdownTimer.start(rto.millis());
    }

    private void sendShutdownAck() {
        setState(SctpState.SHUTDOWN_ACK_SENT);
        bundler.queueControl(ControlChunk.headerOnly(ChunkType.SHUTDOWN_ACK));
        shutdownTimer.start(rto.millis());
    }

    private void onShutdownAck() {
        if (state == SctpState.SHUTDOWN_SENT || state == SctpState.SHUTDOWN_ACK_SENT) {
            bundler.emitSingle(peerTag, ControlChunk.headerOnly(ChunkType.SHUTDOWN_COMPLETE));
            close(null);
        }
    }

    private void onShutdownTimeout() {
        if (++consecutiveTimeouts > config.maxAssociationRetransmits()) {
            abort("no answer to SHUTDOWN");
            return;
        }
        rto.backOff();
        if (state == SctpState.SHUTDOWN_SENT) {
            sendShutdown();
        } else if (state == SctpState.SHUTDOWN_ACK_SENT) {
            sendShutdownAck();
        }
        flush();
    }

    private void close(String reason) {
        initTimer.stop();
        retransmissionTimer.stop();
        shutdownTimer.stop();
        ackSchedule.stop();
        streamResets.stop();
        bundler.clearControl();
        if (sendQueue != null) {
            sendQueue.clear();
        }
        if (receiveQueue != null) {
            receiveQueue.clear();
        }
        closeReason = reason == null ? "shut down" : reason;
        setState(SctpState.CLOSED);
    }

    private void setState(SctpState next) {
        if (state != next) {
            state = next;
            listener.onStateChange(next);
        }
    }

    // ---- output ----

    /**
     * Bundles what is due into as few packets as the MTU allows (§6.10): control chunks, a SACK,
     * FORWARD TSN, then DATA as the windows allow.
     */
    private void flush() {
        if (state == SctpState.CLOSED) {
            return;
        }
        bundler.begin(peerTag);
        if (ackSchedule.due() && receiveQueue != null) {
            SackChunk sack = receiveQueue.sack();
            bundler.write(sack.serializedLength(), sack::writeTo);
            ackSchedule.onSackSent();
        }
        if (sendQueue != null && state.carriesData()) {
            ForwardTsnChunk forward = sendQueue.takeForwardTsn();
            if (forward != null) {
                bundler.write(8 + 4 * forward.streams().length, forward::writeTo);
                retransmissionTimer.startIfStopped(rto.millis());
            }
            writeData();
        }
        bundler.finishPacket();
    }

    private void writeData() {
        if (state != SctpState.ESTABLISHED && state != SctpState.SHUTDOWN_PENDING
                && state != SctpState.SHUTDOWN_RECEIVED) {
            return;
        }
        long now = clock.monotonicMillis();
        boolean sentData = false;
        boolean freshPacket = !bundler.hasPacket();
        while (true) {
            OutboundChunk chunk = sendQueue.nextToSend(now, bundler.room());
            if (chunk == null) {
                if (freshPacket) {
                    break; // not even a whole packet's room lets anything out: the windows are full
                }
                bundler.finishPacket();
                freshPacket = true;
                continue;
            }
            OutboundMessage message = chunk.message;
            DataChunk.write(bundler.current(), chunk.flags, chunk.tsn & 0xffffffffL, message.streamId,
                    message.streamSequenceNumber, message.payloadProtocolId, chunk.payload);
            sentData = true;
            freshPacket = false;
        }
        if (sentData) {
            retransmissionTimer.startIfStopped(rto.millis()); // §6.3.2 R1
        }
    }

    private void onPacketBundled(ByteBuf packet) {
        if (sendQueue != null) {
            sendQueue.onPacketSent();
        }
        listener.onPacket(packet);
    }

    private long nonZeroRandom() {
        long tag;
        do {
            tag = random.nextInt() & 0xffffffffL;
        } while (tag == 0);
        return tag;
    }

    private final class StreamResetHost implements StreamResets.Host {
        @Override
        public long lastAssignedTsn() {
            return sendQueue.lastAssignedTsn();
        }

        @Override
        public boolean receivedThrough(long wireTsn) {
            return receiveQueue.receivedThrough(wireTsn);
        }

        @Override
        public void queueControl(ReConfigChunk chunk) {
            bundler.queueControl(ControlChunk.of(chunk));
        }

        @Override
        public void flush() {
            SctpAssociation.this.flush();
        }

        @Override
        public long rtoMillis() {
            return rto.millis();
        }

        @Override
        public long rtoMaxMillis() {
            return config.rtoMaxMillis();
        }

        @Override
        public void onOutgoingReset(int[] streams) {
            sendQueue.resetSequenceNumbers(streams);
            listener.onOutgoingStreamsReset(streams);
        }

        @Override
        public void onIncomingReset(int[] streams) {
            receiveQueue.resetIncomingStreams(streams);
            listener.onIncomingStreamsReset(streams);
        }
    }
}
