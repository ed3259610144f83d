package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Defect 5 of issue 12: DTLS handshakes of transports whose peers never complete them must not
 * hold up another transport's handshake. Ten transports are connected without any ICE (DTLS must
 * not even start) and ten pass ICE and then leave the worker's ClientHello unanswered (each
 * handshake pending until its timeout); a legitimate peer then completes its handshake while all
 * those are still pending. Before, 16 process-wide handshake threads were taken by the first 16.
 */
@ExtendWith(SharedWorker.class)
class DtlsStarvationTest {

    private static final Duration WAIT = Patience.WAIT;

    private static RunningWorker worker;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
    }

    private static WebRtcTransportInfo createTransport(String routerId) throws Exception {
        return worker.client.call(worker.workerId, "router.createWebRtcTransport",
                        RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId("u")
                                .setEnableTcp(false).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static InetSocketAddress address(WebRtcTransportInfo transport) {
        return new InetSocketAddress(transport.getIceCandidates(0).getAddress(), transport.getIceCandidates(0).getPort());
    }

    private static DtlsRole connect(WebRtcTransportInfo transport, WebRtcTestPeer peer, DtlsRole peerRole)
            throws Exception {
        return worker.client.call(worker.workerId, "transport.connect", TransportConnectRequest.newBuilder()
                        .setTransportId(transport.getId())
                        .setDtlsParameters(DtlsParameters.newBuilder().setRole(peerRole).addFingerprints(
                                DtlsFingerprint.newBuilder().setAlgorithm("sha-256").setValue(peer.fingerprint().value())))
                        .build())
                .as(TransportConnectResponse.parser()).getDtlsLocalRole();
    }

    private static void passIce(WebRtcTestPeer peer, WebRtcTransportInfo transport) throws Exception {
        peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                transport.getIceParameters().getPassword(), true);
        assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
    }

    private static DtlsState dtlsState(WebRtcTransportInfo transport) throws Exception {
        return worker.client.call(worker.workerId, "transport.getStats",
                        TransportGetStatsRequest.newBuilder().setTransportId(transport.getId()).build())
                .as(TransportGetStatsResponse.parser()).getStats().getDtlsState();
    }

    private static io.sluice.worker.dtls.DtlsFingerprint sha256(WebRtcTransportInfo transport) throws Exception {
        DtlsFingerprint fingerprint = transport.getDtlsParameters().getFingerprintsList().stream()
                .filter(f -> f.getAlgorithm().equals("sha-256")).findFirst().orElseThrow();
        return io.sluice.worker.dtls.DtlsFingerprint.parse(fingerprint.getAlgorithm(), fingerprint.getValue());
    }

    @Test
    void stalledHandshakesOfOtherTransportsDoNotDelayALegitimateOne() throws Exception {
        String routerId = worker.createRouter("room-dtls-starvation");
        List<WebRtcTestPeer> peers = new ArrayList<>();
        List<WebRtcTransportInfo> withoutIce = new ArrayList<>();
        List<WebRtcTransportInfo> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                WebRtcTransportInfo transport = createTransport(routerId);
                WebRtcTestPeer peer = WebRtcTestPeer.udp(address(transport));
                peers.add(peer);
                // The peer says it is the DTLS client, so the worker would wait for its ClientHello.
                assertThat(connect(transport, peer, DtlsRole.CLIENT)).isEqualTo(DtlsRole.SERVER);
                withoutIce.add(transport);
            }
            for (int i = 0; i < 10; i++) {
                WebRtcTransportInfo transport = createTransport(routerId);
                WebRtcTestPeer peer = WebRtcTestPeer.udp(address(transport));
                peers.add(peer);
                passIce(peer, transport);
                // The worker is the client; the peer never answers its ClientHello.
                assertThat(connect(transport, peer, DtlsRole.SERVER)).isEqualTo(DtlsRole.CLIENT);
                stalled.add(transport);
            }
            for (WebRtcTransportInfo transport : stalled) {
                await().atMost(WAIT).until(() -> dtlsState(transport) == DtlsState.DTLS_CONNECTING);
            }

            WebRtcTransportInfo legitimate = createTransport(routerId);
            try (WebRtcTestPeer peer = WebRtcTestPeer.udp(address(legitimate))) {
                passIce(peer, legitimate);
                connect(legitimate, peer, DtlsRole.CLIENT);
                peer.startDtls(io.sluice.worker.dtls.DtlsRole.CLIENT, sha256(legitimate));
                peer.awaitDtlsConnected(WAIT);
            }

            // Still pending: the legitimate handshake did not wait for any of them to time out.
            for (WebRtcTransportInfo transport : stalled) {
                assertThat(dtlsState(transport)).isEqualTo(DtlsState.DTLS_CONNECTING);
            }
            // Without a valid ICE pair DTLS never started.
            for (WebRtcTransportInfo transport : withoutIce) {
                assertThat(dtlsState(transport)).isEqualTo(DtlsState.DTLS_NEW);
            }
        } finally {
            for (WebRtcTestPeer peer : peers) {
                peer.close();
            }
            worker.client.call(worker.workerId, "router.close", RouterCloseRequest.newBuilder().setRouterId(routerId).build());
        }
    }
}
