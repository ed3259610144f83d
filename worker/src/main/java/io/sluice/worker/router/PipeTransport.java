package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.net.PacketClassifier;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.pipe.LoopHandoff;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import java.net.InetSocketAddress;
import java.util.Arrays;
import io.sluice.worker.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One end of a pipe between two routers (mediasoup's PipeTransport). Over UDP: RTP and RTCP
 * multiplexed on one port (RFC 5761 §4), to the other end given by {@code pipeTransport.connect},
 * with optional SRTP whose keys the two ends exchange through the control plane (RFC 4568 §6.1
 * key || salt, no DTLS). In process: no socket; each end hands its packets to the other end's loop
 * through that end's {@link LoopHandoff}, found in the process's {@link LocalPipes}. Its consumers
 * are {@link PipeConsumer}s and its producers take the piped producer's id. Everything runs on the
 * router's loop, but for the inbound hand-off's offers, which come from the other end's loop.
 */
public final class PipeTransport implements Transport, RtcPacketSink {

    enum DropReason {
        UNKNOWN_TUPLE, NOT_RTP_OR_RTCP, SRTP_FAILED, NO_REMOTE;

        String statsName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The other end of a pipe made by router.pipeToRouter; closing one end closes the other. */
    public record Peer(String workerId, String transportId) {}

    private final String id;
    private final Router router;
    private final EventLoop loop;
    private final LoopCounters loopCounters;
    private final String announcedAddress;
    private final boolean rtx;
    private Peer peer;
    private final SrtpProfile srtpProfile;
    private final byte[] localKeyAndSalt;
    private final SrtpSendContext srtpSend;
    private final long[] drops = new long[DropReason.values().length];
    /** Pipe consumers negotiate no transport-wide-cc: never used to number packets. */
    private final SendSideBandwidthEstimator bandwidthEstimator;
    /** In process only: the registry this end is in, and what the other end's loop hands it. */
    private final LocalPipes localPipes;
    private final LoopHandoff inbound;
    /** In process only: the other end's inbound hand-off, once connected. */
    private LoopHandoff outbound;
    private RtcSocket socket;
    private TransportMedia media;
    private SrtpReceiveContext srtpReceive;
    private InetSocketAddress remote;
    private long packetsReceived;
    private long bytesReceived;
    private long packetsSent;
    private long bytesSent;
    private boolean closed;

    /**
     * @param srtpProfile null without SRTP
     * @param localKeyAndSalt the key this end protects with (kept to be given to the other end)
     * @param peer null unless made by router.pipeToRouter
     * @param localPipes for an in-process end, the process's registry; null over UDP
     */
    PipeTransport(String id, Router router, EventLoop loop, Clock clock, String announcedAddress, boolean rtx,
            Peer peer, SrtpProfile srtpProfile, byte[] localKeyAndSalt, LocalPipes localPipes) {
        this.id = id;
        this.bandwidthEstimator = SendSideBandwidthEstimator.withDefaults(clock);
        this.router = router;
        this.loop = loop;
        this.loopCounters = LoopCounters.of(loop);
        this.announcedAddress = announcedAddress;
        this.rtx = rtx;
        this.peer = peer;
        this.srtpProfile = srtpProfile;
        this.localKeyAndSalt = localKeyAndSalt;
        this.srtpSend = srtpProfile == null ? null : new SrtpSendContext(srtpProfile,
                Arrays.copyOf(localKeyAndSalt, srtpProfile.keyLength()),
                Arrays.copyOfRange(localKeyAndSalt, srtpProfile.keyLength(), localKeyAndSalt.length));
        this.localPipes = localPipes;
        this.inbound = localPipes == null ? null
                : new LoopHandoff(loop, LoopHandoff.DEFAULT_CAPACITY, clock, this::onHandedOver);
    }

    /** Whether this end crosses to another loop of the process in memory rather than over UDP. */
    public boolean inProcess() {
        return inbound != null;
    }

    /**
     * pipeTransport.connect of an in-process end: to the other in-process end {@code peerId}, on
     * another loop of this process; from now on each hands its packets to the other's loop.
     */
    public void connectInProcess(String peerId) throws SluiceException {
        assert loop.inEventLoop();
        if (!inProcess()) {
            throw SluiceException.invalid("in_process_peer_id", "pipe transport " + id + " is a UDP one");
        }
        if (outbound != null) {
            throw new SluiceException(SluiceException.Code.FAILED_PRECONDITION,
                    "pipe transport " + id + " is already connected", "transport_id");
        }
        PipeTransport other = localPipes.get(peerId);
        if (other == null || other == this) {
            throw new SluiceException(SluiceException.Code.NOT_FOUND, "no in-process pipe transport " + peerId
                    + " in this process", "in_process_peer_id");
        }
        outbound = other.inbound;
        if (media != null) {
            media.onTransportConnected();
        }
    }

    /** A packet the other end's loop handed over, on this loop; the hand-off releases it after the call. */
    private void onHandedOver(ByteBuf packet) {
        if (closed) {
            return;
        }
        packetsReceived++;
        bytesReceived += packet.readableBytes();
        if (media == null) {
            return;
        }
        if (PacketClassifier.isRtcp(packet)) {
            media.onRtcp(packet);
        } else {
            media.onRtp(packet);
        }
    }

    /**
     * In process, the wait of the packet being received is the hand-off's alone: the upstream
     * loop judged the packet's earlier wait before it handed it over (and dropped it if late), so
     * counting that again here would drop, on this loop, what the upstream loop forwarded.
     */
    @Override
    public long inputDelayMs(Producer producer, int stream) {
        return inbound != null ? inbound.waitMs() : Transport.super.inputDelayMs(producer, stream);
    }

    void attachSocket(RtcSocket socket) {
        this.socket = socket;
    }

    void attachMedia(TransportMedia media) {
        this.media = media;
    }

    @Override
    public TransportMedia media() {
        return media;
    }

    /** Pipes serve routers, not users: no registry mapping names a user for them. */
    @Override
    public String userId() {
        return "";
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public boolean closed() {
        return closed;
    }

    /** Whether its pipe consumers offer NACK and RTX across the pipe. */
    public boolean rtx() {
        return rtx;
    }

    /** The other end when made by router.pipeToRouter, else null. */
    public Peer peer() {
        return peer;
    }

    /** router.pipeToRouter made the other end after this one: from now on they close together. */
    public void linkPeer(Peer peer) {
        assert loop.inEventLoop();
        this.peer = peer;
    }

    /** Null without SRTP. */
    public SrtpProfile srtpProfile() {
        return srtpProfile;
    }

    /** The key and salt this end protects with (a copy), for the other end's connect; null without SRTP. */
    public byte[] localKeyAndSalt() {
        return localKeyAndSalt == null ? null : localKeyAndSalt.clone();
    }

    /** The bound address; its port is what the other end connects to. */
    public InetSocketAddress localAddress() {
        return socket == null ? null : socket.localAddress();
    }

    /** The address the other end should send to (the announced one when set). */
    public String announcedAddress() {
        return announcedAddress;
    }

    /** The other end, once connected; null before. */
    public InetSocketAddress remote() {
        return remote;
    }

    /**
     * pipeTransport.connect: the other end's address and, with SRTP, the key it protects with
     * ({@code remoteKeyAndSalt} is wiped once used).
     */
    public void connect(InetSocketAddress remote, SrtpProfile remoteProfile, byte[] remoteKeyAndSalt)
            throws SluiceException {
        assert loop.inEventLoop();
        if (inProcess()) {
            throw SluiceException.invalid("in_process_peer_id", "pipe transport " + id + " is an in-process one");
        }
        if (this.remote != null) {
            throw new SluiceException(SluiceException.Code.FAILED_PRECONDITION,
                    "pipe transport " + id + " is already connected", "transport_id");
        }
        if (remote.getPort() < 1 || remote.getPort() > 65535) {
            throw SluiceException.invalid("port", "port must be 1 to 65535, got " + remote.getPort());
        }
        SrtpReceiveContext receive = null;
        if (srtpProfile != null) {
            if (remoteKeyAndSalt == null) {
                throw SluiceException.invalid("srtp_parameters", "srtp_parameters are required: SRTP is enabled");
            }
            if (remoteProfile != srtpProfile) {
                throw SluiceException.invalid("srtp_parameters.crypto_suite",
                        "both ends of a pipe use " + srtpProfile + ", got " + remoteProfile);
            }
            int expected = srtpProfile.keyLength() + srtpProfile.saltLength();
            if (remoteKeyAndSalt.length != expected) {
                throw SluiceException.invalid("srtp_parameters.key_base64", srtpProfile + " needs " + expected
                        + " bytes of key and salt, got " + remoteKeyAndSalt.length);
            }
            receive = new SrtpReceiveContext(srtpProfile, Arrays.copyOf(remoteKeyAndSalt, srtpProfile.keyLength()),
                    Arrays.copyOfRange(remoteKeyAndSalt, srtpProfile.keyLength(), remoteKeyAndSalt.length));
            Arrays.fill(remoteKeyAndSalt, (byte) 0);
        } else if (remoteKeyAndSalt != null) {
            throw SluiceException.invalid("srtp_parameters", "SRTP is not enabled on pipe transport " + id);
        }
        this.srtpReceive = receive;
        this.remote = remote;
        if (media != null) {
            media.onTransportConnected();
        }
    }

    @Override
    public void onRtcPacket(RtcSocket from, ByteBuf packet, InetSocketAddress source) {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        // RFC 5761 §4: RTCP packet types 200-207 fall where RTP payload types 72-79 would.
        boolean rtcp = PacketClassifier.isRtcp(packet);
        if (!rtcp && !PacketClassifier.isRtp(packet)) {
            drops[DropReason.NOT_RTP_OR_RTCP.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.UNKNOWN_PACKET);
            return;
        }
        if (!source.equals(remote)) {
            drops[DropReason.UNKNOWN_TUPLE.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.UNKNOWN_TUPLE);
            return;
        }
        packetsReceived++;
        bytesReceived += packet.readableBytes();
        loopCounters.received(packet.readableBytes());
        if (srtpReceive != null && !(rtcp ? srtpReceive.unprotectRtcp(packet) : srtpReceive.unprotectRtp(packet))) {
            drops[DropReason.SRTP_FAILED.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.SRTP_FAILED);
            return;
        }
        if (media == null) {
            return;
        }
        if (rtcp) {
            media.onRtcp(packet);
        } else {
            media.onRtp(packet);
        }
    }

    @Override
    public void onRtcSocketClosed(RtcSocket closedSocket) {
        // A UDP socket closes only with its transport.
    }

    @Override
    public void sendRtp(ByteBuf packet) {
        assert loop.inEventLoop();
        send(packet, false);
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        assert loop.inEventLoop();
        send(packet, true);
    }

    private void send(ByteBuf packet, boolean rtcp) {
        if (inbound != null) {
            handOver(packet);
            return;
        }
        if (closed || remote == null || socket == null) {
            drops[DropReason.NO_REMOTE.ordinal()]++;
            packet.release();
            return;
        }
        if (srtpSend != null && !(rtcp ? srtpSend.protectRtcp(packet) : srtpSend.protectRtp(packet))) {
            packet.release();
            return;
        }
        packetsSent++;
        bytesSent += packet.readableBytes();
        loopCounters.sent(packet.readableBytes());
        socket.send(packet, remote);
    }

    private void handOver(ByteBuf packet) {
        if (closed || outbound == null) {
            drops[DropReason.NO_REMOTE.ordinal()]++;
            packet.release();
            return;
        }
        int length = packet.readableBytes();
        if (outbound.offer(packet)) {
            packetsSent++;
            bytesSent += length;
        }
    }

    @Override
    public LoopCounters loopCounters() {
        return loopCounters;
    }

    @Override
    public SendSideBandwidthEstimator bandwidthEstimator() {
        return bandwidthEstimator;
    }

    @Override
    public int srtpOverhead() {
        return srtpSend == null ? 0 : srtpSend.maxOverhead();
    }

    /** Closes the socket and wipes the keys; the worker's close cascade calls it after its producers and consumers. */
    void close() {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        closed = true;
        if (localKeyAndSalt != null) {
            Arrays.fill(localKeyAndSalt, (byte) 0);
        }
        if (inbound != null) {
            localPipes.remove(this);
            inbound.close();
        }
        if (socket != null) {
            socket.close();
        }
    }

    public long packetsReceived() {
        return packetsReceived;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Incoming packets dropped, by reason, for dump and getStats: the transport's own reasons,
     * SRTP failures, and what its media found (an SSRC no producer has, a malformed packet).
     */
    public Map<String, Long> droppedPackets() {
        assert loop.inEventLoop();
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            putIfPositive(dropped, reason.statsName(), drops[reason.ordinal()]);
        }
        if (outbound != null) {
            // Outgoing, unlike the rest: what the other end's hand-off refused (queue full, or that end closed).
            putIfPositive(dropped, "handoff_refused", outbound.dropped());
        }
        if (srtpReceive != null) {
            putIfPositive(dropped, "srtp_auth_failed", srtpReceive.authenticationFailures());
            putIfPositive(dropped, "srtp_replay", srtpReceive.replayedPackets());
        }
        if (media != null) {
            putIfPositive(dropped, "unknown_ssrc", media.unknownSsrcPackets());
            putIfPositive(dropped, "malformed", media.malformedPackets());
        }
        return dropped;
    }

    private static void putIfPositive(Map<String, Long> dropped, String name, long count) {
        if (count > 0) {
            dropped.put(name, count);
        }
    }
}
