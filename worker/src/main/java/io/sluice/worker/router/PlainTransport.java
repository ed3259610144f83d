package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.net.PacketClassifier;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import io.sluice.worker.time.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain RTP transport (mediasoup's PlainTransport): RTP and RTCP over a UDP port (RFC 5761
 * multiplexing) or two, to a remote given by {@code plainTransport.connect} or learned from the
 * first packet received (comedia). With SRTP on, the worker picks the key it sends with and the
 * peer's key comes in connect (SDES-style, RFC 4568 §6.1 key||salt), since there is no DTLS.
 * Everything runs on the router's loop.
 */
public final class PlainTransport implements Transport, RtcPacketSink {

    enum DropReason {
        UNKNOWN_TUPLE, NOT_RTP_OR_RTCP, NO_SRTP_KEYS, SRTP_FAILED, NO_REMOTE;

        String statsName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String id;
    private final Router router;
    private final String userId;
    private final Map<String, String> appData;
    private final EventLoop loop;
    private final LoopCounters loopCounters;
    private final boolean rtcpMux;
    private final boolean comedia;
    private final SrtpProfile srtpProfile;
    private final SrtpKey localSrtpKey;
    private final SrtpSendContext srtpSend;
    private final long[] drops = new long[DropReason.values().length];
    /** Numbers what the consumers that negotiated transport-wide-cc send; this transport takes no feedback about it. */
    private final SendSideBandwidthEstimator bandwidthEstimator;
    private UdpRtcSocket rtpSocket;
    private UdpRtcSocket rtcpSocket;
    private TransportMedia media;
    private SrtpReceiveContext srtpReceive;
    private InetSocketAddress remoteRtp;
    private InetSocketAddress remoteRtcp;
    private boolean connected;
    private long packetsReceived;
    private long bytesReceived;
    private long packetsSent;
    private long bytesSent;
    private boolean closed;

    /**
     * @param srtpProfile null without SRTP
     * @param localKeyAndSalt the key this transport protects with (taken over and wiped from here on)
     */
    PlainTransport(String id, Router router, String userId, Map<String, String> appData, EventLoop loop, Clock clock,
            boolean rtcpMux, boolean comedia, SrtpProfile srtpProfile, byte[] localKeyAndSalt) {
        this.id = id;
        this.bandwidthEstimator = SendSideBandwidthEstimator.withDefaults(clock);
        this.router = router;
        this.userId = userId;
        this.appData = appData;
        this.loop = loop;
        this.loopCounters = LoopCounters.of(loop);
        this.rtcpMux = rtcpMux;
        this.comedia = comedia;
        this.srtpProfile = srtpProfile;
        if (srtpProfile != null) {
            localSrtpKey = new SrtpKey(srtpProfile, java.util.Base64.getEncoder().encodeToString(localKeyAndSalt));
            srtpSend = new SrtpSendContext(srtpProfile, Arrays.copyOf(localKeyAndSalt, srtpProfile.keyLength()),
                    Arrays.copyOfRange(localKeyAndSalt, srtpProfile.keyLength(), localKeyAndSalt.length));
            Arrays.fill(localKeyAndSalt, (byte) 0);
        } else {
            localSrtpKey = null;
            srtpSend = null;
        }
    }

    /** The bound sockets; {@code rtcpSocket} is null with rtcp-mux. */
    void attachSockets(UdpRtcSocket rtpSocket, UdpRtcSocket rtcpSocket) {
        this.rtpSocket = rtpSocket;
        this.rtcpSocket = rtcpSocket;
    }

    void attachMedia(TransportMedia media) {
        this.media = media;
    }

    @Override
    public TransportMedia media() {
        return media;
    }

    @Override
    public String userId() {
        return userId;
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

    /**
     * plainTransport.connect: the remote's address (unless comedia) and, with SRTP, the key the
     * remote protects its packets with.
     *
     * @param ip "" when not given; @param port and @param rtcpPort unsigned, as given
     * @param srtp null when not given
     */
    public void connect(String ip, int port, int rtcpPort, SrtpKey srtp) throws SluiceException {
        assert loop.inEventLoop();
        if (connected) {
            throw new SluiceException(SluiceException.Code.FAILED_PRECONDITION,
                    "plain transport " + id + " is already connected");
        }
        InetSocketAddress rtp = null;
        InetSocketAddress rtcp = null;
        if (!comedia) {
            if (ip.isEmpty()) {
                throw SluiceException.invalid("ip", "ip is required without comedia");
            }
            InetAddress address = ListenInfos.parseIp(ip, "ip");
            rtp = new InetSocketAddress(address, checkPort(port, "port"));
            rtcp = rtcpMux ? rtp : new InetSocketAddress(address, checkPort(rtcpPort, "rtcp_port"));
        }
        SrtpReceiveContext receive = null;
        if (srtpProfile != null) {
            if (srtp == null) {
                throw SluiceException.invalid("srtp_parameters", "srtp_parameters are required: SRTP is enabled");
            }
            receive = PlainSrtp.receiveContext(srtp, "srtp_parameters");
        }
        connected = true;
        srtpReceive = receive;
        if (rtp != null) {
            remoteRtp = rtp;
            remoteRtcp = rtcp;
            connectSockets();
            if (media != null) {
                media.onTransportConnected();
            }
        }
    }

    private static int checkPort(int port, String field) throws SluiceException {
        if (port < 1 || port > 65535) {
            throw SluiceException.invalid(field, field + " must be 1 to 65535, got " + Integer.toUnsignedString(port));
        }
        return port;
    }

    @Override
    public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        boolean onRtcpSocket = socket == rtcpSocket;
        // RFC 5761 §4: RTCP packet types 200-207 fall where RTP payload types 72-79 would.
        boolean rtcp = PacketClassifier.isRtcp(packet);
        if (!rtcp && (onRtcpSocket || !PacketClassifier.isRtp(packet))) {
            drops[DropReason.NOT_RTP_OR_RTCP.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.UNKNOWN_PACKET);
            return;
        }
        if (!acceptFrom(onRtcpSocket, rtcp, remote)) {
            drops[DropReason.UNKNOWN_TUPLE.ordinal()]++;
            loopCounters.dropped(LoopCounters.Drop.UNKNOWN_TUPLE);
            return;
        }
        packetsReceived++;
        bytesReceived += packet.readableBytes();
        loopCounters.received(packet.readableBytes());
        if (srtpProfile != null) {
            if (srtpReceive == null) {
                drops[DropReason.NO_SRTP_KEYS.ordinal()]++;
                loopCounters.dropped(LoopCounters.Drop.NO_SRTP_KEYS);
                return;
            }
            if (!(rtcp ? srtpReceive.unprotectRtcp(packet) : srtpReceive.unprotectRtp(packet))) {
                drops[DropReason.SRTP_FAILED.ordinal()]++;
                loopCounters.dropped(LoopCounters.Drop.SRTP_FAILED);
                return;
            }
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

    /**
     * With comedia the remote is learned from the first RTP packet on the RTP port (and from the
     * first RTCP packet on a separate RTCP port); after that only it is heard. RTCP never fixes the
     * RTP remote: senders such as ffmpeg send their first sender report from another socket.
     */
    private boolean acceptFrom(boolean onRtcpSocket, boolean rtcp, InetSocketAddress remote) {
        if (onRtcpSocket) {
            if (remoteRtcp == null && comedia) {
                remoteRtcp = remote;
                rtcpSocket.connect(remote);
            }
            return remote.equals(remoteRtcp);
        }
        if (remoteRtp == null && comedia && !rtcp) {
            remoteRtp = remote;
            if (rtcpMux) {
                remoteRtcp = remote;
            }
            rtpSocket.connect(remote);
            if (media != null) {
                media.onTransportConnected();
            }
        }
        return remote.equals(remoteRtp);
    }

    /**
     * Once the remote is known only its datagrams are accepted, so each socket is connected to it:
     * sends then need no per-datagram envelope or address (UdpRtcSocket), and the kernel drops
X
     */
    private void connectSockets() {
        if (rtpSocket != null) {
            rtpSocket.connect(remoteRtp);
        }
        if (rtcpSocket != null) {
            rtcpSocket.connect(remoteRtcp);
        }
    }

    @Override
    public void onRtcSocketClosed(RtcSocket socket) {
        // UDP sockets close only with the transport.
    }

    @Override
    public void sendRtp(ByteBuf packet) {
        assert loop.inEventLoop();
        send(packet, rtpSocket, remoteRtp, false);
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        assert loop.inEventLoop();
        send(packet, rtcpMux ? rtpSocket : rtcpSocket, remoteRtcp, true);
    }

    private void send(ByteBuf packet, UdpRtcSocket socket, InetSocketAddress remote, boolean rtcp) {
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

    @Override
    public SendSideBandwidthEstimator bandwidthEstimator() {
        return bandwidthEstimator;
    }

    @Override
    public LoopCounters loopCounters() {
        return loopCounters;
    }

    @Override
    public int srtpOverhead() {
        return srtpSend == null ? 0 : srtpSend.maxOverhead();
    }

    /** Closes the sockets; the worker's close cascade calls it once its producers and consumers are closed. */
    void close() {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        closed = true;
        if (rtpSocket != null) {
            rtpSocket.close();
        }
        if (rtcpSocket != null) {
            rtcpSocket.close();
        }
    }

    public boolean rtcpMux() {
        return rtcpMux;
    }

    public boolean comedia() {
        return comedia;
    }

    public Map<String, String> appData() {
        return appData;
    }

    /** The SRTP parameters this end protects with, for the peer; null without SRTP. */
    public SrtpKey localSrtpKey() {
        return localSrtpKey;
    }

    /** The RTP (and, with rtcp-mux, RTCP) tuple. */
    public TupleInfo tuple() {
        return tuple(rtpSocket, remoteRtp);
    }

    /** The RTCP tuple without rtcp-mux; null with it. */
    public TupleInfo rtcpTuple() {
        return !rtcpMux && rtcpSocket != null ? tuple(rtcpSocket, remoteRtcp) : null;
    }

    private static TupleInfo tuple(RtcSocket socket, InetSocketAddress remote) {
        boolean local = socket != null && socket.localAddress() != null;
        return new TupleInfo(TransportTuple.Protocol.UDP,
                local ? socket.localAddress().getAddress().getHostAddress() : null,
                local ? socket.localAddress().getPort() : 0,
                remote != null ? remote.getAddress().getHostAddress() : null,
                remote != null ? remote.getPort() : 0);
    }

    /** Counts on the wire, SRTP included, for dump and getStats. */
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
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            putIfPositive(dropped, reason.statsName(), drops[reason.ordinal()]);
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
