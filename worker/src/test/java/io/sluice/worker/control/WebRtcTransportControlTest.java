package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportClosed;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportDumpRequest;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.TransportRestartIceRequest;
import io.sluice.api.v1.TransportRestartIceResponse;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.WebRtcServerCloseRequest;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerCreateWebRtcServerRequest;
import io.sluice.api.v1.WorkerCreateWebRtcServerResponse;
import io.sluice.worker.dtls.FingerprintAlgorithm;
import io.sluice.worker.ice.StunMessage;
import io.sluice.worker.registry.TransportMappings;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WebRTC transports end to end: created over NATS on a real worker, reached by a real peer over
 * loopback UDP and ICE-TCP (binding requests, a DTLS handshake with its own certificate, SRTP),
 * their events on NATS and their mappings in a real Redis.
 */
@ExtendWith(SharedWorker.class)
class WebRtcTransportControlTest {

    private static final Duration WAIT = Patience.WAIT;

    private static RunningWorker worker;
    private static ControlClient client;
    private static RedisClient redisClient;
    private static StatefulRedisConnection<String, String> redisConnection;
    private static String workerId;
    private static List<Event> events;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
        events = worker.events;
        redisClient = RedisClient.create(worker.redis.url());
        redisConnection = redisClient.connect();
    }

    @AfterAll
    static void stop() throws Exception {
        if (redisClient != null) {
            redisConnection.close();
            redisClient.shutdown();
        }
    }

    private static String createRouter(String roomId) throws Exception {
        return client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8(roomId))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
    }

    private static WebRtcTransportInfo createTransport(RouterCreateWebRtcTransportRequest request) throws Exception {
        return client.call(workerId, "router.createWebRtcTransport", request)
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static TransportStats stats(String transportId) throws Exception {
        return client.call(workerId, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(transportId).build())
                .as(TransportGetStatsResponse.parser()).getStats();
    }

    private static InetSocketAddress address(IceCandidate candidate) {
        return new InetSocketAddress(candidate.getAddress(), candidate.getPort());
    }

    private static IceCandidate candidate(WebRtcTransportInfo transport, TransportProtocol protocol) {
        return transport.getIceCandidatesList().stream().filter(c -> c.getProtocol() == protocol).findFirst()
                .orElseThrow();
    }

    private static io.sluice.worker.dtls.DtlsFingerprint sha256(WebRtcTransportInfo transport) throws Exception {
        DtlsFingerprint fingerprint = transport.getDtlsParameters().getFingerprintsList().stream()
                .filter(f -> f.getAlgorithm().equals("sha-256")).findFirst().orElseThrow();
        return io.sluice.worker.dtls.DtlsFingerprint.parse(fingerprint.getAlgorithm(), fingerprint.getValue());
    }

    private static DtlsParameters peerDtls(WebRtcTestPeer peer, DtlsRole role) {
        return DtlsParameters.newBuilder().setRole(role)
                .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256").setValue(peer.fingerprint().value()))
                .build();
    }

    private static List<Event> eventsOf(String transportId) {
        return events.stream().filter(e -> EventPublisher.subject(e.getRouterId(), "transport", transportId, "x")
                .startsWith("sluice.event.")).filter(e -> matches(e, transportId)).toList();
    }

    private static boolean matches(Event event, String transportId) {
        return event.hasTransportIceStateChanged() || event.hasTransportDtlsStateChanged()
                || event.hasTransportTupleChanged() || event.hasTransportClosed();
    }

    @Test
    void createReturnsMediasoupShapedParametersAndMapsTheUserInRedis() throws Exception {
        String routerId = createRouter("room-shape");
        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("alice").setPreferUdp(true).build());

        assertThat(transport.getIceParameters().getIceLite()).isTrue();
        assertThat(transport.getIceParameters().getUsernameFragment()).hasSize(16);
        assertThat(transport.getIceParameters().getPassword()).hasSize(32);
        assertThat(transport.getIceCandidatesList()).hasSize(2);
        IceCandidate udp = candidate(transport, TransportProtocol.UDP);
        IceCandidate tcp = candidate(transport, TransportProtocol.TCP);
        assertThat(udp.getAddress()).isEqualTo("127.0.0.1");
        assertThat(udp.getPort()).isBetween(worker.rtcMinPort, worker.rtcMaxPort);
        assertThat(udp.getType()).isEqualTo("host");
        assertThat(udp.getTcpType()).isEmpty();
        assertThat(tcp.getTcpType()).isEqualTo("passive");
        // RFC 8445 §5.1.2.1 with type preference 64; prefer_udp ranks UDP first.
        assertThat(udp.getPriority() >>> 24).isEqualTo(64);
        assertThat(udp.getPriority()).isGreaterThan(tcp.getPriority());
        assertThat(transport.getDtlsParameters().getRole()).isEqualTo(DtlsRole.AUTO);
        assertThat(transport.getDtlsParameters().getFingerprintsList()).extracting(DtlsFingerprint::getAlgorithm)
                .containsExactly("sha-256", "sha-384", "sha-512");
        assertThat(transport.getIceState()).isEqualTo(IceState.ICE_NEW);
        assertThat(transport.getDtlsState()).isEqualTo(DtlsState.DTLS_NEW);

        await().atMost(WAIT).untilAsserted(() -> assertThat(redisConnection.sync()
                .hgetall(TransportMappings.transportKey(transport.getId())))
                .containsEntry("worker_id", workerId).containsEntry("router_id", routerId)
                .containsEntry("room_id", "room-shape").containsEntry("user_id", "alice"));
        assertThat(redisConnection.sync().smembers(TransportMappings.userTransportsKey("room-shape", "alice")))
                .contains(transport.getId());

        client.call(workerId, "transport.close", TransportCloseRequest.newBuilder().setTransportId(transport.getId()).build())
                .as(io.sluice.api.v1.TransportCloseResponse.parser());
        await().atMost(WAIT).untilAsserted(() -> assertThat(redisConnection.sync()
                .exists(TransportMappings.transportKey(transport.getId()))).isZero());
        assertThat(client.call(workerId, "transport.dump",
                TransportDumpRequest.newBuilder().setTransportId(transport.getId()).build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void mappingsOfAWorkerWhoseLeaseExpiredAreSwept() throws Exception {
        // What a worker killed with SIGKILL leaves: its mappings, and no lease (expired within 5 s).
        TransportMappings mappings = new TransportMappings(redisConnection);
        mappings.put("crashed-transport", "crashed-worker-0", "r1", "room-crash", "ivan").get();
        assertThat(redisConnection.sync().exists(TransportMappings.transportKey("crashed-transport"))).isOne();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(redisConnection.sync().exists(TransportMappings.transportKey("crashed-transport"))).isZero();
            assertThat(redisConnection.sync().smembers(TransportMappings.userTransportsKey("room-crash", "ivan")))
                    .doesNotContain("crashed-transport");
        });
        // The live worker's own lease and mappings stay.
        assertThat(redisConnection.sync().exists(TransportMappings.workerLeaseKey(workerId))).isOne();
    }

    @Test
    void aPeerConnectsOverUdpWithIceDtlsAndSrtp() throws Exception {
        String routerId = createRouter("room-udp");
        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("bob").setEnableTcp(false).build());
        assertThat(transport.getIceCandidatesList()).extracting(IceCandidate::getProtocol)
                .containsExactly(TransportProtocol.UDP);

        try (WebRtcTestPeer peer = WebRtcTestPeer.udp(address(transport.getIceCandidates(0)))) {
            // A wrong password is refused with 401 (RFC 8489 §9.1.3) and counted.
            peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(), "wrong-password-wrong-password!!", true);
            WebRtcTestPeer.StunResponse refused = peer.awaitStunResponse(WAIT);
            assertThat(refused.messageClass()).isEqualTo(StunMessage.CLASS_ERROR_RESPONSE);
            assertThat(refused.errorCode()).isEqualTo(401);

            peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                    transport.getIceParameters().getPassword(), true);
            assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();

            // The peer as DTLS client (a browser's "active"): Sluice is the server.
            TransportConnectResponse connected = client.call(workerId, "transport.connect",
                    TransportConnectRequest.newBuilder().setTransportId(transport.getId())
                            .setDtlsParameters(peerDtls(peer, DtlsRole.CLIENT)).build())
                    .as(TransportConnectResponse.parser());
            assertThat(connected.getDtlsLocalRole()).isEqualTo(DtlsRole.SERVER);
            peer.startDtls(io.sluice.worker.dtls.DtlsRole.CLIENT, sha256(transport));
            assertThat(peer.awaitDtlsConnected(WAIT)).isEqualTo(SrtpProfile.AEAD_AES_256_GCM);

            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(transport.getId()).getDtlsState()).isEqualTo(DtlsState.DTLS_CONNECTED));
            for (int seq = 1; seq <= 50; seq++) {
                peer.sendRtp(0x1234, seq, 1000, false);
            }
            peer.sendRtp(0x1234, 51, 1000, true);
            peer.sendRtp(0x1234, 50, 1000, false);

            await().atMost(WAIT).untilAsserted(() -> {
                TransportStats stats = stats(transport.getId());
                assertThat(stats.getDroppedPacketsMap()).containsEntry("srtp_auth_failed", 1L)
                        .containsEntry("srtp_replay", 1L)
                        .containsEntry("stun_bad_integrity", 1L);
                assertThat(stats.getPacketsReceived()).isGreaterThanOrEqualTo(54);
            });
            TransportStats stats = stats(transport.getId());
            assertThat(stats.getIceState()).isEqualTo(IceState.ICE_COMPLETED);
            assertThat(stats.getIceSelectedTuple().getRemotePort()).isEqualTo(peer.localAddress().getPort());
            assertThat(stats.getIceSelectedTuple().getProtocol()).isEqualTo(TransportProtocol.UDP);
            assertThat(stats.getDroppedPacketsMap()).doesNotContainKeys("no_srtp_keys", "unknown_tuple");
            assertThat(stats.getBytesSent()).isPositive();
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(transport.getId()))
                .anyMatch(e -> e.hasTransportIceStateChanged()
                        && e.getTransportIceStateChanged().getIceState() == IceState.ICE_COMPLETED)
                .anyMatch(e -> e.hasTransportTupleChanged())
                .anyMatch(e -> e.hasTransportDtlsStateChanged()
                        && e.getTransportDtlsStateChanged().getDtlsState() == DtlsState.DTLS_CONNECTED));
    }

    @Test
    void aPeerConnectsOverIceTcpAsDtlsServer() throws Exception {
        String routerId = createRouter("room-tcp");
        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("carol").setEnableUdp(false).build());

        try (WebRtcTestPeer peer = WebRtcTestPeer.tcp(address(candidate(transport, TransportProtocol.TCP)))) {
            peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                    transport.getIceParameters().getPassword(), true);
            assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
            // The peer answers "server": Sluice sends the ClientHello over the selected TCP tuple.
            peer.startDtls(io.sluice.worker.dtls.DtlsRole.SERVER, sha256(transport));
            TransportConnectResponse connected = client.call(workerId, "transport.connect",
                    TransportConnectRequest.newBuilder().setTransportId(transport.getId())
                            .setDtlsParameters(peerDtls(peer, DtlsRole.SERVER)).build())
                    .as(TransportConnectResponse.parser());
            assertThat(connected.getDtlsLocalRole()).isEqualTo(DtlsRole.CLIENT);
            peer.awaitDtlsConnected(WAIT);
            // As DTLS server the peer has its keys one flight before Sluice: media waits for Sluice's.
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(stats(transport.getId()).getDtlsState()).isEqualTo(DtlsState.DTLS_CONNECTED));
            peer.sendRtp(0x99, 1, 500, false);
            await().atMost(WAIT).untilAsserted(() -> {
                TransportStats stats = stats(transport.getId());
                assertThat(stats.getIceSelectedTuple().getProtocol()).isEqualTo(TransportProtocol.TCP);
                assertThat(stats.getPacketsReceived()).isGreaterThanOrEqualTo(3);
                assertThat(stats.getDroppedPacketsMap()).doesNotContainKeys("srtp_auth_failed", "no_srtp_keys");
            });
        }
    }

    @Test
    void aWrongRemoteFingerprintFailsTheTransportWithItsEvent() throws Exception {
        String routerId = createRouter("room-fp");
        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("mallory").setEnableTcp(false).build());
        try (WebRtcTestPeer peer = WebRtcTestPeer.udp(address(transport.getIceCandidates(0)));
                WebRtcTestPeer other = WebRtcTestPeer.udp(address(transport.getIceCandidates(0)))) {
            peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                    transport.getIceParameters().getPassword(), true);
            assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
            // Signalling announces another certificate than the one the peer presents.
            client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder()
                    .setTransportId(transport.getId()).setDtlsParameters(peerDtls(other, DtlsRole.CLIENT)).build())
                    .as(TransportConnectResponse.parser());
            peer.startDtls(io.sluice.worker.dtls.DtlsRole.CLIENT, sha256(transport));
            await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(transport.getId()))
                    .anyMatch(e -> e.hasTransportDtlsStateChanged()
                            && e.getTransportDtlsStateChanged().getDtlsState() == DtlsState.DTLS_FAILED
                            && !e.getTransportDtlsStateChanged().getReason().isEmpty()));
            assertThat(stats(transport.getId()).getDtlsState()).isEqualTo(DtlsState.DTLS_FAILED);
        }
    }

    private static java.net.ServerSocket takenTcpPortInRange() throws java.io.IOException {
        for (int port = worker.rtcMaxPort; port > worker.rtcMaxPort - 200; port--) {
            try {
                return new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
            } catch (java.io.IOException inUse) {
                // try the next one
            }
        }
        throw new AssertionError("no free TCP port near the top of the RTC range");
    }

    private static int freeUdpPortInRange() {
        for (int port = worker.rtcMaxPort - 1; port > worker.rtcMaxPort - 200; port--) {
            try (java.net.DatagramSocket probe = new java.net.DatagramSocket(port, java.net.InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (java.io.IOException inUse) {
                // try the next one
            }
        }
        throw new AssertionError("no free UDP port near the top of the RTC range");
    }

    @Test
    void badRequestsGetTypedErrorsAndLeaveNothingBehind() throws Exception {
        String routerId = createRouter("room-errors");
        assertThat(client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId("no-such-router").build()).code()).isEqualTo(ErrorCode.NOT_FOUND);
        ControlClient.Reply badIp = client.call(workerId, "router.createWebRtcTransport",
                RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId)
                        .addListenInfos(TransportListenInfo.newBuilder().setProtocol(TransportProtocol.UDP).setIp("not-an-ip"))
                        .build());
        assertThat(badIp.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(badIp.error().getField()).isEqualTo("listen_infos[0].ip");
        assertThat(client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setEnableUdp(false).setEnableTcp(false).build()).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);

        // A fixed port that is taken: RESOURCE_EXHAUSTED, and the UDP socket bound before it is closed again.
        // Fixed ports must lie in the worker's RTC range: the test takes two near its top.
        try (java.net.ServerSocket taken = takenTcpPortInRange()) {
            int udpPort = freeUdpPortInRange();
            ControlClient.Reply exhausted = client.call(workerId, "router.createWebRtcTransport",
                    RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId)
                            .addListenInfos(TransportListenInfo.newBuilder().setProtocol(TransportProtocol.UDP)
                                    .setIp("127.0.0.1").setPort(udpPort))
                            .addListenInfos(TransportListenInfo.newBuilder().setProtocol(TransportProtocol.TCP)
                                    .setIp("127.0.0.1").setPort(taken.getLocalPort()))
                            .build());
            assertThat(exhausted.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            await().atMost(WAIT).untilAsserted(() -> {
                try (java.net.DatagramSocket again = new java.net.DatagramSocket(udpPort,
                        java.net.InetAddress.getLoopbackAddress())) {
                    assertThat(again.getLocalPort()).isEqualTo(udpPort);
                }
            });
        }
        assertThat(client.call(workerId, "router.dump", io.sluice.api.v1.RouterDumpRequest.newBuilder()
                .setRouterId(routerId).build()).as(io.sluice.api.v1.RouterDumpResponse.parser()).getTransportIdsList())
                .isEmpty();

        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("dave").build());
        ControlClient.Reply noFingerprint = client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder()
                .setTransportId(transport.getId()).setDtlsParameters(DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT))
                .build());
        assertThat(noFingerprint.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        ControlClient.Reply badFingerprint = client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder()
                .setTransportId(transport.getId()).setDtlsParameters(DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT)
                        .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("md5").setValue("AB:CD")))
                .build());
        assertThat(badFingerprint.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        DtlsParameters good = DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT).addFingerprints(DtlsFingerprint
                .newBuilder().setAlgorithm("sha-256").setValue(io.sluice.worker.dtls.DtlsCertificate.generate()
                        .fingerprint(FingerprintAlgorithm.SHA_256).value())).build();
        client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder().setTransportId(transport.getId())
                .setDtlsParameters(good).build()).as(TransportConnectResponse.parser());
        assertThat(client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder()
                .setTransportId(transport.getId()).setDtlsParameters(good).build()).code())
                .isEqualTo(ErrorCode.FAILED_PRECONDITION);
    }

    @Test
    void restartIceGivesNewCredentialsThatThePeerMustUse() throws Exception {
        String routerId = createRouter("room-restart");
        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("erin").setEnableTcp(false).build());
        TransportRestartIceResponse restarted = client.call(workerId, "transport.restartIce",
                TransportRestartIceRequest.newBuilder().setTransportId(transport.getId()).build())
                .as(TransportRestartIceResponse.parser());
        assertThat(restarted.getIceParameters().getUsernameFragment())
                .isNotEqualTo(transport.getIceParameters().getUsernameFragment());
        try (WebRtcTestPeer peer = WebRtcTestPeer.udp(address(transport.getIceCandidates(0)))) {
            peer.sendBindingRequest(restarted.getIceParameters().getUsernameFragment(),
                    restarted.getIceParameters().getPassword(), true);
            assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
        }
    }

    @Test
    void routerCloseClosesItsTransportsWithTheirEvents() throws Exception {
        String routerId = createRouter("room-close");
        WebRtcTransportInfo transport = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("frank").build());
        client.call(workerId, "router.close", io.sluice.api.v1.RouterCloseRequest.newBuilder().setRouterId(routerId).build())
                .as(io.sluice.api.v1.RouterCloseResponse.parser());
        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(transport.getId())).anyMatch(e ->
                e.hasTransportClosed() && e.getTransportClosed().getReason() == TransportClosed.Reason.ROUTER_CLOSED));
        assertThat(client.call(workerId, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(transport.getId()).build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        await().atMost(WAIT).untilAsserted(() -> assertThat(redisConnection.sync()
                .exists(TransportMappings.transportKey(transport.getId()))).isZero());
    }

    @Test
    void transportsShareAWebRtcServerAndAreRoutedByUsernameFragment() throws Exception {
        WorkerCreateWebRtcServerResponse server = client.call(workerId, "worker.createWebRtcServer",
                WorkerCreateWebRtcServerRequest.newBuilder()
                        .addListenInfos(TransportListenInfo.newBuilder().setProtocol(TransportProtocol.UDP).setIp("127.0.0.1"))
                        .addListenInfos(TransportListenInfo.newBuilder().setProtocol(TransportProtocol.TCP).setIp("127.0.0.1"))
                        .build()).as(WorkerCreateWebRtcServerResponse.parser());
        String routerId = createRouter("room-server");
        WebRtcTransportInfo first = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("gina").setWebrtcServerId(server.getWebrtcServerId()).build());
        WebRtcTransportInfo second = createTransport(RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("hank").setWebrtcServerId(server.getWebrtcServerId()).build());
        assertThat(candidate(first, TransportProtocol.UDP).getPort()).isEqualTo(candidate(second, TransportProtocol.UDP).getPort());

        try (WebRtcTestPeer a = WebRtcTestPeer.udp(address(candidate(first, TransportProtocol.UDP)));
                WebRtcTestPeer b = WebRtcTestPeer.tcp(address(candidate(second, TransportProtocol.TCP)))) {
            a.sendBindingRequest(first.getIceParameters().getUsernameFragment(), first.getIceParameters().getPassword(), true);
            b.sendBindingRequest(second.getIceParameters().getUsernameFragment(), second.getIceParameters().getPassword(), true);
            assertThat(a.awaitStunResponse(WAIT).isSuccess()).isTrue();
            assertThat(b.awaitStunResponse(WAIT).isSuccess()).isTrue();
            // An unknown ufrag reaches no transport.
            a.sendBindingRequest("unknownunknownuf", first.getIceParameters().getPassword(), true);
            assertThat(stats(first.getId()).getIceSelectedTuple().getRemotePort()).isEqualTo(a.localAddress().getPort());
            assertThat(stats(second.getId()).getIceSelectedTuple().getProtocol()).isEqualTo(TransportProtocol.TCP);

            client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder().setTransportId(first.getId())
                    .setDtlsParameters(peerDtls(a, DtlsRole.CLIENT)).build()).as(TransportConnectResponse.parser());
            a.startDtls(io.sluice.worker.dtls.DtlsRole.CLIENT, sha256(first));
            a.awaitDtlsConnected(WAIT);
        }
        client.call(workerId, "webRtcServer.close", WebRtcServerCloseRequest.newBuilder()
                .setWebrtcServerId(server.getWebrtcServerId()).build()).as(io.sluice.api.v1.WebRtcServerCloseResponse.parser());
        await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOf(second.getId())).anyMatch(e -> e.hasTransportClosed()
                && e.getTransportClosed().getReason() == TransportClosed.Reason.WEBRTC_SERVER_CLOSED));
    }
}
