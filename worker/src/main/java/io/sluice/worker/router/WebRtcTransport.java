package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.api.v1.AppData;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.IceParameters;
import io.sluice.api.v1.TransportClosed;
import io.sluice.api.v1.TransportDtlsStateChanged;
import io.sluice.api.v1.TransportIceStateChanged;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.TransportTupleChanged;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.SluiceException;
import io.sluice.worker.bwe.TransportWideSequence;
import io.sluice.worker.control.EventPublisher;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.dtls.DtlsTransport;
import io.sluice.worker.metrics.LoopCounters;
import io.sluice.worker.ice.IceDropReason;
import io.sluice.worker.ice.IceServer;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.ice.StunRateLimiter;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.net.PacketClassifier;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.net.TcpRtcConnection;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import io.sluice.worker.time.Clock;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebRTC transport (mediasoup's WebRtcTransport): ICE-lite over its own UDP/TCP sockets or a
 * WebRTC server's, DTLS-SRTP, and SRTP/SRTCP in place. Everything runs on the router's loop.
 *
 * <p>Incoming: a socket (or the WebRTC server) hands each packet to {@link #onRtcPacket}, which
 * sorts it by its first byte (RFC 7983 §7): STUN to the ICE server; DTLS, RTP and RTCP only from a
 * tuple that passed an ICE check; SRTP is decrypted in place in the socket's buffer.
 */
public final class WebRtcTransport implements MediaTransport, RtcPacketSink, IceServer.Listener, DtlsTransport.Listener {

    /** What the transport tells the entity that shares its ports, if any (a WebRTC server). */
    public interface PortOwner {
        void onUsernameFragmentAdded(String usernameFragment, WebRtcTransport transport);

        void onUsernameFragmentRemoved(String usernameFragment);

        void onTupleAdded(TransportTuple tuple, WebRtcTransport transport);

        void onTupleRemoved(TransportTuple tuple);

        void onTransportClosed(WebRtcTransport transport);
    }

    /** Where decrypted media goes; the forwarding issue plugs producers in here. */
    public interface MediaListener {
        MediaListener NONE = new MediaListener() {
            @Override
            public void onRtp(WebRtcTransport transport, ByteBuf packet) {}

            @Override
            public void onRtcp(WebRtcTransport transport, ByteBuf packet) {}
        };

        void onRtp(WebRtcTransport transport, ByteBuf packet);

        void onRtcp(WebRtcTransport transport, ByteBuf packet);

        /** DTLS connected: SRTP keys are in place and media can flow both ways. */
        default void onConnected(WebRtcTransport transport) {
        }
    }

    private static final Logger log = LoggerFactory.getLogger(WebRtcTransport.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final Router router;
    private final String userId;
    private final AppData appData;
    private final EventLoop loop;
    private final EventPublisher events;
    private final RtcResources resources;
    private final List<Channel> ownChannels;
    private final java.util.Set<RtcSocket> tcpConnections = new java.util.HashSet<>();
    private final PortOwner portOwner;
    private final List<IceCandidate> candidates;
    private final Map<Integer, RtcSocket> socketsByLocalId = new HashMap<>();
    private final IceServer iceServer;
    private final DtlsTransport dtls;
    private final ScheduledFuture<?> iceTimer;
    private final long[] drops = new long[TransportDropReason.values().length];
    private final LoopCounters loopCounters;
    private final TransportWideSequence transportWideSequence = new TransportWideSequence();
    private MediaListener mediaListener = MediaListener.NONE;
    private java.util.function.Consumer<WebRtcTransport> onClosed = closed -> {};

    private RtcSocket deliveringSocket;
    private DtlsRole dtlsRole;
    private DtlsFingerprint remoteFingerprint;
    private boolean dtlsStarted;
    private SrtpSendContext srtpSend;
    private SrtpReceiveContext srtpReceive;
    private long bytesReceived;
    private long packetsReceived;
    private long bytesSent;
    private long packetsSent;
    private boolean closed;

    /**
     * @param ownChannels the UDP sockets and TCP listeners this transport listens on and closes with
     *     itself; empty when {@code portOwner} (a WebRTC server) shares its sockets
     * @param ownUdpSockets the UDP sockets among them, to send on
     */
    WebRtcTransport(String id, Router router, String userId, AppData appData, EventLoop loop, EventPublisher events,
            RtcResources resources, Clock clock, StunRateLimiter rateLimiter, List<Channel> ownChannels,
            List<RtcSocket> ownUdpSockets, PortOwner portOwner, List<IceCandidate> candidates) {
        this.id = id;
        this.router = router;
        this.userId = userId;
        this.loopCounters = LoopCounters.of(loop);
        this.appData = appData;
        this.loop = loop;
        this.events = events;
        this.resources = resources;
        this.ownChannels = List.copyOf(ownChannels);
        this.portOwner = portOwner;
        this.candidates = List.copyOf(candidates);
        for (RtcSocket socket : ownUdpSockets) {
            socketsByLocalId.put(socket.localId(), socket);
        }
        this.iceServer = new IceServer(this, ByteBufAllocator.DEFAULT, clock, RANDOM,
                rateLimiter, IceServer.Options.defaults());
        this.dtls = new DtlsTransport(loop, resources.dtlsHandshakeExecutor(), resources.certificate(),
                DtlsTransport.Settings.DEFAULT, this);
        this.iceTimer = loop.scheduleAtFixedRate(
                () -> iceServer.tick(clock.monotonicMillis()), 1, 1, TimeUnit.SECONDS);
    }

    public String id() {
        return id;
    }

    public Router router() {
        return router;
    }

    public String userId() {
        return userId;
    }

    public boolean closed() {
        return closed;
    }

    /** Called once when the transport closes, before its event: its owners forget it. */
    public void onClosed(java.util.function.Consumer<WebRtcTransport> hook) {
        this.onClosed = hook;
    }

    public void setMediaListener(MediaListener listener) {
        assert loop.inEventLoop();
        this.mediaListener = listener == null ? MediaListener.NONE : listener;
    }

    /**
     * transport.connect: the remote DTLS parameters. Its role decides ours: a remote client makes
     * us the server and the reverse; {@code auto} makes us the client, since an ICE-lite, controlled
     * endpoint is the answerer (RFC 5763 §5), as mediasoup does. The last fingerprint given is used.
     */
    public io.sluice.api.v1.DtlsRole connect(DtlsParameters remote) throws SluiceException {
        assert loop.inEventLoop();
        if (remoteFingerprint != null) {
            throw new SluiceException(io.sluice.api.v1.ErrorCode.FAILED_PRECONDITION,
                    "transport " + id + " is already connected");
        }
        if (remote.getFingerprintsCount() == 0) {
            throw SluiceException.invalid("dtls_parameters.fingerprints", "at least one fingerprint is required");
        }
        int last = remote.getFingerprintsCount() - 1;
        var given = remote.getFingerprints(last);
        DtlsFingerprint fingerprint;
        try {
            fingerprint = DtlsFingerprint.parse(given.getAlgorithm(), given.getValue());
        } catch (SluiceException e) {
            throw SluiceException.invalid("dtls_parameters.fingerprints[" + last + "]", e.getMessage());
        }
        DtlsRole role = switch (remote.getRole()) {
            case CLIENT -> DtlsRole.SERVER;
            case SERVER, AUTO, DTLS_ROLE_UNSPECIFIED -> DtlsRole.CLIENT;
            default -> throw SluiceException.invalid("dtls_parameters.role", "unknown DTLS role " + remote.getRole());
        };
        this.remoteFingerprint = fingerprint;
        this.dtlsRole = role;
        maybeStartDtls();
        return role == DtlsRole.CLIENT ? io.sluice.api.v1.DtlsRole.CLIENT : io.sluice.api.v1.DtlsRole.SERVER;
    }

    /** transport.restartIce: new local ICE credentials; the peer must check again. */
    public IceParameters restartIce() {
        assert loop.inEventLoop();
        iceServer.restartIce();
        return iceParameters();
    }

    /**
     * Sends one RTP packet to the peer, protecting it in place: {@code packet} needs
     * {@link SrtpSendContext#maxOverhead()} writable bytes. Takes ownership of the buffer.
     */
    public void sendRtp(ByteBuf packet) {
        assert loop.inEventLoop();
        TransportTuple tuple = iceServer.selectedTuple();
        if (tuple == null || srtpSend == null || !srtpSend.protectRtp(packet)) {
            packet.release();
            return;
        }
        send(packet, tuple);
    }

    /** As {@link #sendRtp} for one RTCP (compound) packet. */
    public void sendRtcp(ByteBuf packet) {
        assert loop.inEventLoop();
        TransportTuple tuple = iceServer.selectedTuple();
        if (tuple == null || srtpSend == null || !srtpSend.protectRtcp(packet)) {
            packet.release();
            return;
        }
        send(packet, tuple);
    }

    @Override
    public TransportWideSequence transportWideSequence() {
        return transportWideSequence;
    }

    /** Bytes an outgoing packet needs after its end for the SRTP tag (and SRTCP index). */
    public int srtpOverhead() {
        return srtpSend == null ? 0 : srtpSend.maxOverhead();
    }

    // ---- incoming ----

    @Override
    public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        bytesReceived += packet.readableBytes();
        packetsReceived++;
        loopCounters.received(packet.readableBytes());
        if (socket instanceof TcpRtcConnection) {
            tcpConnections.add(socket);
        }
        PacketClassifier.Kind kind = PacketClassifier.classify(packet);
        if (kind == PacketClassifier.Kind.STUN) {
            deliveringSocket = socket;
            iceServer.processStunPacket(packet, socket.localId(), remote, socket.protocol());
            deliveringSocket = null;
            return;
        }
        if (kind == PacketClassifier.Kind.UNKNOWN) {
            drops[TransportDropReason.UNKNOWN_PACKET.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.UNKNOWN_PACKET);
            return;
        }
        if (iceServer.findTuple(socket.localId(), remote, socket.protocol()) == null) {
            drops[TransportDropReason.UNKNOWN_TUPLE.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.UNKNOWN_TUPLE);
            return;
        }
        switch (kind) {
            case DTLS -> dtls.handleIncoming(packet);
            case RTP -> {
                if (srtpReceive == null) {
                    drops[TransportDropReason.NO_SRTP_KEYS.ordinal()]++;
                    loopCounters.dropped(LoopCounters.Drop.NO_SRTP_KEYS);
                } else if (srtpReceive.unprotectRtp(packet)) {
                    mediaListener.onRtp(this, packet);
                } else {
                    loopCounters.dropped(LoopCounters.Drop.SRTP_FAILED);
                }
            }
            case RTCP -> {
                if (srtpReceive == null) {
                    drops[TransportDropReason.NO_SRTP_KEYS.ordinal()]++;
                    loopCounters.dropped(LoopCounters.Drop.NO_SRTP_KEYS);
                } else if (srtpReceive.unprotectRtcp(packet)) {
                    mediaListener.onRtcp(this, packet);
                } else {
                    loopCounters.dropped(LoopCounters.Drop.SRTP_FAILED);
                }
            }
            default -> {
                drops[TransportDropReason.UNKNOWN_PACKET.ordinal()]++;
                loopCounters.dropped(LoopCounters.Drop.UNKNOWN_PACKET);
            }
        }
    }

    @Override
    public void onRtcSocketClosed(RtcSocket socket) {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        socketsByLocalId.remove(socket.localId());
        tcpConnections.remove(socket);
        for (TransportTuple tuple : List.copyOf(iceServer.tuples())) {
            if (tuple.localId() == socket.localId()) {
                iceServer.removeTuple(tuple);
            }
        }
    }

    // ---- ICE ----

    @Override
    public void onStunResponse(ByteBuf response, TransportTuple tuple) {
        RtcSocket socket = socketsByLocalId.get(tuple.localId());
        if (socket == null) {
            socket = deliveringSocket;
        }
        if (socket == null) {
            response.release();
            return;
        }
        bytesSent += response.readableBytes();
        packetsSent++;
        loopCounters.sent(response.readableBytes());
        socket.send(response, tuple.remoteAddress());
    }

    @Override
    public void onIceStateChanged(IceState state) {
        events.emit(router.id(), "transport", id, "icestatechange", Event.newBuilder()
                .setTransportIceStateChanged(TransportIceStateChanged.newBuilder().setIceState(toProto(state))));
        if (state == IceState.CONNECTED || state == IceState.COMPLETED) {
            maybeStartDtls();
        }
    }

    @Override
    public void onSelectedTupleChanged(TransportTuple tuple) {
        events.emit(router.id(), "transport", id, "tuplechange", Event.newBuilder()
                .setTransportTupleChanged(TransportTupleChanged.newBuilder().setIceSelectedTuple(toProto(tuple))));
    }

    @Override
    public void onTupleAdded(TransportTuple tuple) {
        if (deliveringSocket != null) {
            socketsByLocalId.putIfAbsent(tuple.localId(), deliveringSocket);
        }
        if (portOwner != null) {
            portOwner.onTupleAdded(tuple, this);
        }
    }

    @Override
    public void onTupleRemoved(TransportTuple tuple) {
        if (portOwner != null) {
            portOwner.onTupleRemoved(tuple);
        }
    }

    @Override
    public void onLocalUsernameFragmentAdded(String usernameFragment) {
        if (portOwner != null) {
            portOwner.onUsernameFragmentAdded(usernameFragment, this);
        }
    }

    @Override
    public void onLocalUsernameFragmentRemoved(String usernameFragment) {
        if (portOwner != null) {
            portOwner.onUsernameFragmentRemoved(usernameFragment);
        }
    }

    // ---- DTLS ----

    /** The server role waits for the ClientHello at once; the client role needs a tuple to send on. */
    private void maybeStartDtls() {
        if (dtlsStarted || dtlsRole == null || closed) {
            return;
        }
        if (dtlsRole == DtlsRole.CLIENT && iceServer.selectedTuple() == null) {
            return;
        }
        dtlsStarted = true;
        dtls.connect(dtlsRole, remoteFingerprint);
        emitDtlsState(io.sluice.api.v1.DtlsState.DTLS_CONNECTING, "");
    }

    @Override
    public void onOutgoingDtls(ByteBuf datagram) {
        TransportTuple tuple = iceServer.selectedTuple();
        if (tuple == null) {
            datagram.release();
            return;
        }
        send(datagram, tuple);
    }

    @Override
    public void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {
        int keyLength = profile.keyLength();
        srtpSend = new SrtpSendContext(profile, Arrays.copyOf(localKeyAndSalt, keyLength),
                Arrays.copyOfRange(localKeyAndSalt, keyLength, localKeyAndSalt.length));
        srtpReceive = new SrtpReceiveContext(profile, Arrays.copyOf(remoteKeyAndSalt, keyLength),
                Arrays.copyOfRange(remoteKeyAndSalt, keyLength, remoteKeyAndSalt.length));
        Arrays.fill(localKeyAndSalt, (byte) 0);
        Arrays.fill(remoteKeyAndSalt, (byte) 0);
        log.debug("transport {}: DTLS connected as {}, SRTP profile {}", id, dtlsRole, profile);
        emitDtlsState(io.sluice.api.v1.DtlsState.DTLS_CONNECTED, "");
        mediaListener.onConnected(this);
    }

    @Override
    public void onDtlsFailed(String reason) {
        log.info("transport {}: DTLS failed: {}", id, reason);
        loopCounters.dtlsFailed();
        emitDtlsState(io.sluice.api.v1.DtlsState.DTLS_FAILED, reason);
    }

    @Override
    public void onDtlsClosed() {
        emitDtlsState(io.sluice.api.v1.DtlsState.DTLS_CLOSED, "");
    }

    private void emitDtlsState(io.sluice.api.v1.DtlsState state, String reason) {
        events.emit(router.id(), "transport", id, "dtlsstatechange", Event.newBuilder()
                .setTransportDtlsStateChanged(TransportDtlsStateChanged.newBuilder().setDtlsState(state).setReason(reason)));
    }

    private void send(ByteBuf packet, TransportTuple tuple) {
        RtcSocket socket = socketsByLocalId.get(tuple.localId());
        if (socket == null) {
            packet.release();
            return;
        }
        bytesSent += packet.readableBytes();
        packetsSent++;
        loopCounters.sent(packet.readableBytes());
        socket.send(packet, tuple.remoteAddress());
    }

    // ---- close, info, stats ----

    /** Closes the transport and everything it owns; publishes {@code closed} with the reason. Idempotent. */
    public void close(TransportClosed.Reason reason) {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        dtls.close();
        closed = true;
        iceTimer.cancel(false);
        iceServer.close();
        for (Channel channel : ownChannels) {
            channel.close();
        }
        for (RtcSocket connection : List.copyOf(tcpConnections)) {
            connection.close();
        }
        if (portOwner != null) {
            portOwner.onTransportClosed(this);
        }
        onClosed.accept(this);
        resources.registry().removeTransport(id).whenComplete((removed, failure) -> {
            if (failure != null) {
                log.debug("transport {}: Redis mapping not removed now ({}); the sweep removes it", id, failure.toString());
            }
        });
        events.emit(router.id(), "transport", id, "closed", Event.newBuilder()
                .setTransportClosed(TransportClosed.newBuilder().setReason(reason)));
    }

    public IceParameters iceParameters() {
        return IceParameters.newBuilder()
                .setUsernameFragment(iceServer.usernameFragment())
                .setPassword(iceServer.password())
                .setIceLite(true)
                .build();
    }

    public WebRtcTransportInfo info() {
        assert loop.inEventLoop();
        WebRtcTransportInfo.Builder info = WebRtcTransportInfo.newBuilder()
                .setId(id)
                .setIceParameters(iceParameters())
                .addAllIceCandidates(candidates)
                .setIceState(toProto(iceServer.state()))
                .setDtlsParameters(DtlsParameters.newBuilder()
                        .setRole(io.sluice.api.v1.DtlsRole.AUTO)
                        .addAllFingerprints(resources.certificate().publishedFingerprints().stream()
                                .map(f -> io.sluice.api.v1.DtlsFingerprint.newBuilder()
                                        .setAlgorithm(f.algorithm().sdpName()).setValue(f.value()).build())
                                .toList()))
                .setDtlsState(toProto(dtls.state()));
        TransportTuple selected = iceServer.selectedTuple();
        if (selected != null) {
            info.setIceSelectedTuple(toProto(selected));
        }
        return info.build();
    }

    public io.sluice.api.v1.TransportDumpResponse dump() {
        assert loop.inEventLoop();
        return io.sluice.api.v1.TransportDumpResponse.newBuilder()
                .setTransport(info())
                .setRouterId(router.id())
                .setUserId(userId)
                .setAppData(appData)
                .build();
    }

    public TransportStats stats(long nowMs) {
        assert loop.inEventLoop();
        TransportStats.Builder stats = TransportStats.newBuilder()
                .setTransportId(id)
                .setTimestampMs(nowMs)
                .setType("webrtc")
                .setIceState(toProto(iceServer.state()))
                .setDtlsState(toProto(dtls.state()))
                .setBytesReceived(bytesReceived)
                .setPacketsReceived(packetsReceived)
                .setBytesSent(bytesSent)
                .setPacketsSent(packetsSent);
        TransportTuple selected = iceServer.selectedTuple();
        if (selected != null) {
            stats.setIceSelectedTuple(toProto(selected));
        }
        for (TransportDropReason reason : TransportDropReason.values()) {
            putDrop(stats, reason.statsName(), drops[reason.ordinal()]);
        }
        for (IceDropReason reason : IceDropReason.values()) {
            putDrop(stats, "stun_" + reason.name().toLowerCase(java.util.Locale.ROOT), iceServer.dropCount(reason));
        }
        putDrop(stats, "dtls_dropped", dtls.droppedDatagrams());
        if (srtpReceive != null) {
            putDrop(stats, "srtp_malformed", srtpReceive.malformedPackets());
            putDrop(stats, "srtp_auth_failed", srtpReceive.authenticationFailures());
            putDrop(stats, "srtp_replay", srtpReceive.replayedPackets());
            putDrop(stats, "srtp_ssrc_limit", srtpReceive.ssrcLimitDrops());
        }
        return stats.build();
    }

    private static void putDrop(TransportStats.Builder stats, String name, long count) {
        if (count > 0) {
            stats.putDroppedPackets(name, count);
        }
    }

    private io.sluice.api.v1.TransportTuple toProto(TransportTuple tuple) {
        RtcSocket socket = socketsByLocalId.get(tuple.localId());
        io.sluice.api.v1.TransportTuple.Builder proto = io.sluice.api.v1.TransportTuple.newBuilder()
                .setRemoteAddress(tuple.remoteAddress().getAddress().getHostAddress())
                .setRemotePort(tuple.remoteAddress().getPort())
                .setProtocol(tuple.protocol() == TransportTuple.Protocol.UDP
                        ? io.sluice.api.v1.TransportProtocol.UDP : io.sluice.api.v1.TransportProtocol.TCP);
        if (socket != null && socket.localAddress() != null) {
            proto.setLocalAddress(socket.localAddress().getAddress().getHostAddress())
                    .setLocalPort(socket.localAddress().getPort());
        }
        return proto.build();
    }

    static io.sluice.api.v1.IceState toProto(IceState state) {
        return switch (state) {
            case NEW -> io.sluice.api.v1.IceState.ICE_NEW;
            case CONNECTED -> io.sluice.api.v1.IceState.ICE_CONNECTED;
            case COMPLETED -> io.sluice.api.v1.IceState.ICE_COMPLETED;
            case DISCONNECTED -> io.sluice.api.v1.IceState.ICE_DISCONNECTED;
            case CLOSED -> io.sluice.api.v1.IceState.ICE_CLOSED;
        };
    }

    static io.sluice.api.v1.DtlsState toProto(DtlsState state) {
        return switch (state) {
            case NEW -> io.sluice.api.v1.DtlsState.DTLS_NEW;
            case CONNECTING -> io.sluice.api.v1.DtlsState.DTLS_CONNECTING;
            case CONNECTED -> io.sluice.api.v1.DtlsState.DTLS_CONNECTED;
            case FAILED -> io.sluice.api.v1.DtlsState.DTLS_FAILED;
            case CLOSED -> io.sluice.api.v1.DtlsState.DTLS_CLOSED;
        };
    }
}
