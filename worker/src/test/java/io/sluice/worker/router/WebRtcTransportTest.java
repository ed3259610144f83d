package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.dtls.DtlsState;
import io.sluice.worker.ice.IceState;
import io.sluice.worker.ice.TransportTuple.Protocol;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebRTC transport alone, on a worker with no control plane (no NATS, no Redis): its
 * candidates, transport.connect's role choice and checks, ICE restarts, and its state before any
 * peer arrives.
 */
class WebRtcTransportTest {

    private static final DtlsCertificate OURS = DtlsCertificate.generate();
    private static final DtlsFingerprint PEERS = DtlsCertificate.generate().publishedFingerprints().get(0);

    private MultiThreadIoEventLoopGroup loops;
    private ExecutorService handshakes;
    private IoEventLoop loop;
    private Worker worker;

    @BeforeEach
    void startAWorker() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = loops.next();
        handshakes = Executors.newVirtualThreadPerTaskExecutor();
        TransportMappingListener noMappings = new TransportMappingListener() {
            @Override
            public void transportCreated(String transportId, String workerId, Router router, String userId) {
            }

            @Override
            public void transportClosed(String transportId) {
            }
        };
        RtcResources rtc = new RtcResources(OURS, handshakes, InetAddress.getLoopbackAddress(), "127.0.0.1",
                new PortRange(40000, 65000), noMappings, new IceTcpGuard(16, 16, Duration.ofSeconds(5), new TestClock()),
                EntityLimits.UNLIMITED, new LocalPipes());
        worker = new Worker("w", loop, new TestClock(), rtc, EntityEvents.NONE);
    }

    @AfterEach
    void stop() throws Exception {
        onLoop(() -> {
            worker.closeAllRouters();
            return null;
        });
        handshakes.shutdownNow();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void itOffersAHostCandidatePerListenInfoThePreferredProtocolFirst() throws Exception {
        WebRtcTransport transport = create(true);

        List<IceCandidate> candidates = transport.candidates();
        assertThat(candidates).extracting(IceCandidate::protocol).containsExactly(Protocol.UDP, Protocol.TCP);
        assertThat(candidates).allSatisfy(candidate -> {
            assertThat(candidate.type()).isEqualTo("host");
            assertThat(candidate.address()).isEqualTo("127.0.0.1");
            assertThat(candidate.port()).isPositive();
        });
        assertThat(candidates.get(1).tcpType()).isEqualTo("passive");
        // RFC 8445 §5.1.2.1: type preference 64 for host, local preference 10000 (+1000 preferred, -100 per index).
        assertThat(candidates.get(0).priority()).isEqualTo((64L << 24) + (11_000L << 8) + 255);
        assertThat(candidates.get(1).priority()).isEqualTo((64L << 24) + (9_900L << 8) + 255);
        assertThat(onLoop(transport::iceState)).isEqualTo(IceState.NEW);
        assertThat(onLoop(transport::dtlsState)).isEqualTo(DtlsState.NEW);
        assertThat(onLoop(transport::selectedTuple)).isNull();
        assertThat(onLoop(transport::droppedPackets)).isEmpty();
        assertThat(transport.localFingerprints()).isEqualTo(OURS.publishedFingerprints());
    }

    /** RFC 5763 §5: the answerer's role follows the offerer's; ICE lite makes us the answerer, so AUTO is client. */
    @Test
    void connectTakesTheRoleOppositeThePeersAndClientForAuto() throws Exception {
        assertThat(connect(create(false), RemoteDtlsParameters.Role.CLIENT)).isEqualTo(DtlsRole.SERVER);
        assertThat(connect(create(false), RemoteDtlsParameters.Role.SERVER)).isEqualTo(DtlsRole.CLIENT);
        assertThat(connect(create(false), RemoteDtlsParameters.Role.AUTO)).isEqualTo(DtlsRole.CLIENT);
    }

    @Test
    void connectRefusesMissingOrBadFingerprintsAndASecondConnect() throws Exception {
        WebRtcTransport transport = create(false);

        SluiceException none = refusal(transport, new RemoteDtlsParameters(RemoteDtlsParameters.Role.AUTO, List.of()));
        SluiceException bad = refusal(transport, new RemoteDtlsParameters(RemoteDtlsParameters.Role.AUTO,
                List.of(new RemoteDtlsParameters.Fingerprint("sha-256", "00:11"))));
        connect(transport, RemoteDtlsParameters.Role.AUTO);
        SluiceException again = refusal(transport, peer(RemoteDtlsParameters.Role.AUTO));

        assertThat(none.field()).isEqualTo("dtls_parameters.fingerprints");
        assertThat(bad.field()).isEqualTo("dtls_parameters.fingerprints[0]");
        assertThat(bad.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(again.code()).isEqualTo(SluiceException.Code.FAILED_PRECONDITION);
    }

    @Test
    void restartIceGivesNewCredentials() throws Exception {
        WebRtcTransport transport = create(false);
        IceParameters before = onLoop(transport::iceParameters);

        IceParameters after = onLoop(transport::restartIce);

        assertThat(before.iceLite()).isTrue();
        assertThat(after.usernameFragment()).isNotEqualTo(before.usernameFragment());
        assertThat(after.password()).isNotEqualTo(before.password());
        assertThat(onLoop(transport::iceParameters)).isEqualTo(after);
    }

    private WebRtcTransport create(boolean preferUdp) throws Exception {
        Router router = onLoop(() -> worker.createRouter(List.of(new RtpCodecCapability(MediaKind.AUDIO, "audio/opus",
                null, 48000, 2, Map.of(), List.of())), "room", Map.of()));
        List<ListenInfo> listen = List.of(new ListenInfo(Protocol.UDP, "127.0.0.1", "", 0, null),
                new ListenInfo(Protocol.TCP, "127.0.0.1", "", 0, null));
        return onLoop(() -> worker.createWebRtcTransport(new WebRtcTransportOptions(router.id(), "", listen, true, true,
                preferUdp, false, "user", Map.of(), 0, null))).get(10, TimeUnit.SECONDS);
    }

    private static RemoteDtlsParameters peer(RemoteDtlsParameters.Role role) {
        return new RemoteDtlsParameters(role, List.of(new RemoteDtlsParameters.Fingerprint(
                PEERS.algorithm().sdpName(), PEERS.value())));
    }

    private DtlsRole connect(WebRtcTransport transport, RemoteDtlsParameters.Role role) throws Exception {
        return onLoop(() -> transport.connect(peer(role)));
    }

    private SluiceException refusal(WebRtcTransport transport, RemoteDtlsParameters remote) {
        return catchThrowableOfType(SluiceException.class, () -> {
            try {
                onLoop(() -> transport.connect(remote));
            } catch (ExecutionException e) {
                throw e.getCause();
            }
        });
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }
}
