package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.TestClock;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain transport alone, on a worker with no control plane (no NATS, no Redis): connect's
 * checks, its own SRTP key, comedia learning its remote from real loopback UDP and turning
 * strangers away, and what it counts.
 */
class PlainTransportTest {

    private MultiThreadIoEventLoopGroup loops;
    private IoEventLoop loop;
    private Worker worker;
    private Router router;

    @BeforeEach
    void startAWorker() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = loops.next();
        TransportMappingListener noMappings = new TransportMappingListener() {
            @Override
            public void transportCreated(String transportId, String workerId, Router router, String userId) {
            }

            @Override
            public void transportClosed(String transportId) {
            }
        };
        RtcResources rtc = new RtcResources(null, null, InetAddress.getLoopbackAddress(), "127.0.0.1",
                new PortRange(40000, 65000), noMappings, new IceTcpGuard(16, 16, Duration.ofSeconds(5), new TestClock()),
                EntityLimits.UNLIMITED, new LocalPipes());
        worker = new Worker("w", loop, new TestClock(), rtc, EntityEvents.NONE);
        router = onLoop(() -> worker.createRouter(List.of(new RtpCodecCapability(MediaKind.VIDEO, "video/VP8", null,
                90000, null, Map.of(), List.of())), "room", Map.of()));
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void connectRefusesBadInputWithTheFieldAtFaultAndStaysUnconnected() throws Exception {
        PlainTransport transport = create(false, SrtpProfile.AES128_CM_HMAC_SHA1_80);

        assertThat(refusal(transport, "", 5000, 0, null).field()).isEqualTo("ip");
        assertThat(refusal(transport, "not-an-ip", 5000, 0, null).field()).isEqualTo("ip");
        assertThat(refusal(transport, "127.0.0.1", 0, 0, null).field()).isEqualTo("port");
        assertThat(refusal(transport, "127.0.0.1", 70000, 0, null).field()).isEqualTo("port");
        assertThat(refusal(transport, "127.0.0.1", 5000, 0, null).field())
                .as("SRTP is on: the peer's key is required").isEqualTo("srtp_parameters");
        assertThat(refusal(transport, "127.0.0.1", 5000, 0,
                new SrtpKey(SrtpProfile.AES128_CM_HMAC_SHA1_80, "%%%")).field()).isEqualTo("srtp_parameters.key_base64");
        assertThat(refusal(transport, "127.0.0.1", 5000, 0,
                new SrtpKey(SrtpProfile.AES128_CM_HMAC_SHA1_80, Base64.getEncoder().encodeToString(new byte[5]))).field())
                .as("30 bytes of key and salt").isEqualTo("srtp_parameters.key_base64");

        String key = Base64.getEncoder().encodeToString(new byte[30]);
        onLoop(() -> {
            transport.connect("127.0.0.1", 5000, 0, new SrtpKey(SrtpProfile.AES128_CM_HMAC_SHA1_80, key));
            return null;
        });
        assertThat(onLoop(transport::tuple).remotePort()).isEqualTo(5000);
        assertThat(refusal(transport, "127.0.0.1", 5001, 0, new SrtpKey(SrtpProfile.AES128_CM_HMAC_SHA1_80, key))
                .code()).isEqualTo(SluiceException.Code.FAILED_PRECONDITION);
    }

    @Test
    void itsOwnKeyIsFreshAndAsLongAsTheSuiteAsks() throws Exception {
        PlainTransport first = create(false, SrtpProfile.AEAD_AES_256_GCM);
        PlainTransport second = create(false, SrtpProfile.AEAD_AES_256_GCM);

        byte[] key = Base64.getDecoder().decode(first.localSrtpKey().keyBase64());
        assertThat(key).hasSize(SrtpProfile.AEAD_AES_256_GCM.keyLength() + SrtpProfile.AEAD_AES_256_GCM.saltLength());
        assertThat(first.localSrtpKey().keyBase64()).isNotEqualTo(second.localSrtpKey().keyBase64());
        assertThat(create(false, null).localSrtpKey()).isNull();
    }

    @Test
    void comediaLearnsTheRemoteFromTheFirstRtpPacketAndHearsOnlyIt() throws Exception {
        PlainTransport transport = create(true, null);
        int port = onLoop(transport::tuple).localPort();
        assertThat(onLoop(transport::tuple).remoteAddress()).isNull();

        try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // UDP may drop a datagram on a busy machine: send again until one is heard.
            await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                send(sender, port, rtp(1));
                return onLoop(transport::tuple).remoteAddress() != null;
            });
            assertThat(onLoop(transport::tuple).remotePort()).isEqualTo(sender.getLocalPort());
            // A longer packet from a stranger, then the sender's again: once the sender's is heard,
            // the stranger's (queued before it on loopback) has been turned away, by the transport
            // or by the kernel once the socket is connected to the learned remote.
            long before = onLoop(transport::packetsReceived);
            send(stranger, port, rtp(2, 8));
            await().atMost(Patience.WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                send(sender, port, rtp(3));
                return onLoop(transport::packetsReceived) > before;
            });

            assertThat(onLoop(transport::tuple).remotePort()).as("the stranger did not take its place")
                    .isEqualTo(sender.getLocalPort());
            long received = onLoop(transport::packetsReceived);
            assertThat(onLoop(transport::bytesReceived)).as("only the sender's 16-byte packets are counted")
                    .isEqualTo(received * rtp(1).length);
            assertThat(onLoop(transport::droppedPackets)).as("every packet heard is the sender's, for no producer")
                    .containsEntry("unknown_ssrc", received);
        }
    }

    private PlainTransport create(boolean comedia, SrtpProfile srtp) throws Exception {
        return onLoop(() -> worker.createPlainTransport(router, new PlainTransportOptions(
                new ListenInfo(null, "127.0.0.1", "", 0, null), null, true, comedia, srtp, "user", Map.of())))
                .get(10, TimeUnit.SECONDS);
    }

    private SluiceException refusal(PlainTransport transport, String ip, int port, int rtcpPort, SrtpKey key) {
        return catchThrowableOfType(SluiceException.class, () -> {
            try {
                onLoop(() -> {
                    transport.connect(ip, port, rtcpPort, key);
                    return null;
                });
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause();
            }
        });
    }

    private static byte[] rtp(int sequence) {
        return rtp(sequence, 4);
    }

    /** RFC 3550 §5.1: a 12-byte header (version 2, payload type 96), then {@code payload} bytes. */
    private static byte[] rtp(int sequence, int payload) {
        byte[] packet = new byte[12 + payload];
        packet[0] = (byte) 0x80;
        packet[1] = 96;
        packet[3] = (byte) sequence;
        packet[7] = 1;
        packet[8] = 0x12;
        packet[9] = 0x34;
        packet[10] = 0x56;
        packet[11] = 0x78;
        return packet;
    }

    private static void send(DatagramSocket socket, int port, byte[] packet) throws Exception {
        socket.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), port));
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }
}
