package io.sluice.worker.testsupport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.dtls.DtlsTransport;
import io.sluice.worker.dtls.FingerprintAlgorithm;
import io.sluice.worker.ice.StunMessage;
import io.sluice.worker.ice.StunMessageWriter;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PacketClassifier;
import io.sluice.worker.net.Rfc4571FrameDecoder;
import io.sluice.worker.net.Rfc4571FrameEncoder;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The remote end of a WebRTC transport in tests, as a browser would be: an ICE controlling agent
 * sending binding requests over UDP or ICE-TCP, a DTLS endpoint built on Sluice's own DtlsTransport
 * with its own certificate, and SRTP with the keys that handshake exports. Real sockets on loopback.
 */
public final class WebRtcTestPeer implements AutoCloseable, DtlsTransport.Listener {

    /** A STUN response the peer received: its class and, for errors, the code. */
    public record StunResponse(int messageClass, int errorCode) {
        public boolean isSuccess() {
            return messageClass == StunMessage.CLASS_SUCCESS_RESPONSE;
        }
    }

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
    private final EventLoop loop = group.next();
    private final ExecutorService handshakes = DtlsTransport.newHandshakeExecutor(1);
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final boolean tcp;
    private final InetSocketAddress remote;
    private final BlockingQueue<StunResponse> stunResponses = new LinkedBlockingQueue<>();
    private final CompletableFuture<SrtpProfile> dtlsConnected = new CompletableFuture<>();
    private final AtomicLong srtpReceived = new AtomicLong();
    private final Channel channel;
    private DtlsTransport dtls;
    private volatile java.util.function.Consumer<ByteBuf> applicationData;
    private SrtpSendContext srtpSend;
    private SrtpReceiveContext srtpReceive;

    private WebRtcTestPeer(boolean tcp, InetSocketAddress remote) throws InterruptedException {
        this.tcp = tcp;
        this.remote = remote;
        Bootstrap bootstrap = new Bootstrap().group(loop);
        if (tcp) {
            this.channel = bootstrap.channel(tcpChannelClass())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Rfc4571FrameDecoder(), new Rfc4571FrameEncoder(), new Receiver<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                    onPacket(frame);
                                }
                            });
                        }
                    })
                    .connect(remote).sync().channel();
        } else {
            this.channel = bootstrap.channel(NetChannels.datagramChannel())
                    .handler(new Receiver<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            onPacket(packet.content());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        }
    }

    public static WebRtcTestPeer udp(InetSocketAddress remote) throws InterruptedException {
        return new WebRtcTestPeer(false, remote);
    }

    public static WebRtcTestPeer tcp(InetSocketAddress remote) throws InterruptedException {
        return new WebRtcTestPeer(true, remote);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** What the peer's certificate gives in signalling (transport.connect). */
    public DtlsFingerprint fingerprint() {
        return certificate.fingerprint(FingerprintAlgorithm.SHA_256);
    }

    /** RFC 8445 §7.1.1: a binding request as the controlling agent, signed with the remote password. */
    public void sendBindingRequest(String remoteUsernameFragment, String remotePassword, boolean useCandidate) {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        ThreadLocalRandom.current().nextBytes(transactionId);
        ByteBuf request = Unpooled.buffer(128);
        StunMessageWriter writer = new StunMessageWriter()
                .begin(request, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING,
                        Unpooled.wrappedBuffer(transactionId), 0)
                .addUsername((remoteUsernameFragment + ":peerufrag").getBytes(StandardCharsets.US_ASCII))
                .addPriority(0x6e7f1eff)
                .addIceControlling(ThreadLocalRandom.current().nextLong());
        if (useCandidate) {
            writer.addUseCandidate();
        }
        writer.addMessageIntegrity(StunMessage.newShortTermMac(remotePassword)).addFingerprint();
        send(request);
    }

    /** The next STUN response, or null when none came within {@code timeout} (the request was dropped). */
    public StunResponse pollStunResponse(Duration timeout) throws InterruptedException {
        return stunResponses.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public StunResponse awaitStunResponse(Duration timeout) throws InterruptedException {
        StunResponse response = stunResponses.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (response == null) {
            throw new AssertionError("no STUN response within " + timeout);
        }
        return response;
    }

    /** Starts the DTLS handshake in {@code role}, expecting Sluice's certificate to match {@code remoteFingerprint}. */
    public void startDtls(DtlsRole role, DtlsFingerprint remoteFingerprint) throws Exception {
        onLoop(() -> {
            dtls = new DtlsTransport(loop, handshakes, certificate, DtlsTransport.Settings.DEFAULT, this);
            dtls.connect(role, remoteFingerprint);
            return null;
        });
    }

    public SrtpProfile awaitDtlsConnected(Duration timeout) throws Exception {
        return dtlsConnected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<SrtpProfile> dtlsOutcome() {
        return dtlsConnected;
    }

    /** Sends one SRTP packet (VP8-sized payload); with {@code corrupt}, its auth tag is damaged. */
    public void sendRtp(int ssrc, int sequenceNumber, int payloadLength, boolean corrupt) throws Exception {
        onLoop(() -> {
            ByteBuf packet = ByteBufAllocator.DEFAULT.buffer(12 + payloadLength + srtpSend.maxOverhead());
            packet.writeByte(0x80).writeByte(96).writeShort(sequenceNumber).writeInt(sequenceNumber * 3000)
                    .writeInt(ssrc);
            byte[] payload = new byte[payloadLength];
            Arrays.fill(payload, (byte) 0x5a);
            packet.writeBytes(payload);
            if (!srtpSend.protectRtp(packet)) {
                packet.release();
                throw new AssertionError("protectRtp failed");
            }
            if (corrupt) {
                int last = packet.writerIndex() - 1;
                packet.setByte(last, packet.getByte(last) ^ 0xff);
            }
            send(packet);
            return null;
        });
    }

    /** The peer's event loop: where its DTLS (and whatever runs over it) lives. */
    public EventLoop loop() {
        return loop;
    }

    /** Where DTLS application data goes (an SCTP association, RFC 8261); the sink releases each buffer. */
    public void onApplicationData(java.util.function.Consumer<ByteBuf> sink) {
        this.applicationData = sink;
    }

    /** Sends one DTLS record of application data; on the peer's loop; takes {@code data}. */
    public void sendApplicationData(ByteBuf data) {
        dtls.sendApplicationData(data);
    }

    public long srtpPacketsReceived() {
        return srtpReceived.get();
    }

    private void send(ByteBuf packet) {
        if (tcp) {
            channel.writeAndFlush(packet);
        } else {
            channel.writeAndFlush(new DatagramPacket(packet, remote));
        }
    }

    private void onPacket(ByteBuf packet) {
        switch (PacketClassifier.classify(packet)) {
            case STUN -> {
                StunMessage message = StunMessage.parse(packet);
                if (message != null) {
                    stunResponses.add(new StunResponse(message.messageClass(),
                            message.messageClass() == StunMessage.CLASS_ERROR_RESPONSE ? message.errorCode() : 0));
                }
            }
            case DTLS -> {
                if (dtls != null) {
                    dtls.handleIncoming(packet);
                }
            }
            case RTP -> {
                if (srtpReceive != null && srtpReceive.unprotectRtp(packet)) {
                    srtpReceived.incrementAndGet();
                }
            }
            case RTCP -> {
                if (srtpReceive != null && srtpReceive.unprotectRtcp(packet)) {
                    srtpReceived.incrementAndGet();
                }
            }
            default -> { }
        }
    }

    @Override
    public void onOutgoingDtls(ByteBuf datagram) {
        send(datagram);
    }

    @Override
    public void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {
        int keyLength = profile.keyLength();
        srtpSend = new SrtpSendContext(profile, Arrays.copyOf(localKeyAndSalt, keyLength),
                Arrays.copyOfRange(localKeyAndSalt, keyLength, localKeyAndSalt.length));
        srtpReceive = new SrtpReceiveContext(profile, Arrays.copyOf(remoteKeyAndSalt, keyLength),
                Arrays.copyOfRange(remoteKeyAndSalt, keyLength, remoteKeyAndSalt.length));
        dtlsConnected.complete(profile);
    }

    @Override
    public void onDtlsApplicationData(ByteBuf data) {
        java.util.function.Consumer<ByteBuf> sink = applicationData;
        if (sink == null) {
            data.release();
        } else {
            sink.accept(data);
        }
    }

    @Override
    public void onDtlsFailed(String reason) {
        dtlsConnected.completeExceptionally(new IllegalStateException("DTLS failed: " + reason));
    }

    @Override
    public void onDtlsClosed() {
        dtlsConnected.completeExceptionally(new IllegalStateException("DTLS closed"));
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (dtls != null) {
            onLoop(() -> {
                dtls.close();
                return null;
            });
        }
        channel.close().sync();
        handshakes.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends io.netty.channel.socket.SocketChannel> tcpChannelClass() {
        return NetChannels.EPOLL ? io.netty.channel.epoll.EpollSocketChannel.class
                : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    private abstract static class Receiver<T> extends SimpleChannelInboundHandler<T> {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP unreachable after the worker closed a socket: nothing to do in a test peer.
        }
    }
}
