package io.sluice.worker.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.testsupport.ChromiumBrowser;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.NetworkIsolation;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chromium's own WebRTC stack against a Sluice WebRtcTransport, with no signalling library between
 * them: the page offers a send-only video track (a canvas stream), the test answers with the
 * transport's ICE-lite parameters, host candidate and DTLS fingerprint, as mediasoup-client would.
 * Proves ICE with Chromium, DTLS with Chromium's (1.3-offering, fragmented) ClientHello, and
 * SRTP with the keys it exports: the transport decrypts what Chromium sends.
 */
@Tag("browser")
class ChromiumWebRtcTransportTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final Pattern VP8 = Pattern.compile("a=rtpmap:(\\d+) VP8/90000");
    private static final Pattern FINGERPRINT = Pattern.compile("a=fingerprint:sha-256 (\\S+)");

    private static NatsServerProcess nats;
    private static RedisServerProcess redis;
    private static WorkerProcess process;
    private static Connection connection;
    private static HttpServer pageServer;
    private static String workerId;

    @BeforeAll
    static void start() throws Exception {
        NetworkIsolation.requireLoopbackOnly();
        nats = NatsServerProcess.start();
        redis = RedisServerProcess.start();
        process = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of("NATS_URL", nats.url(),
                "REDIS_URL", redis.url(), "WORKERS", "1", "WORKER_ID", "browser", "LISTEN_IP", "127.0.0.1")));
        workerId = process.workerIds().get(0);
        connection = Nats.connect(nats.url());
        pageServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pageServer.createContext("/", exchange -> {
            byte[] page = "<!doctype html><title>sluice</title><body>sluice</body>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        pageServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (pageServer != null) {
            pageServer.stop(0);
        }
        if (process != null) {
            process.close();
        }
        if (connection != null) {
            connection.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (nats != null) {
            nats.close();
        }
    }

    private static <T> T call(String method, com.google.protobuf.Message request, com.google.protobuf.Parser<T> parser)
            throws Exception {
        io.nats.client.Message reply = connection.request("sluice." + workerId + "." + method, request.toByteArray(),
                Duration.ofSeconds(10));
        assertThat(reply).isNotNull();
        assertThat(reply.getHeaders() == null || !reply.getHeaders().containsKey("Nats-Service-Error-Code"))
                .as("%s failed: %s", method, reply.getHeaders()).isTrue();
        return parser.parseFrom(reply.getData());
    }

    @ParameterizedTest
    @EnumSource(value = TransportProtocol.class, names = {"UDP", "TCP"})
    void chromiumSendsVideoThatTheTransportDecrypts(TransportProtocol protocol) throws Exception {
        String routerId = call("worker.createRouter", WorkerCreateRouterRequest.newBuilder()
                .addMediaCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8")
                        .setClockRate(90000))
                .setRoomId("browser-room").build(), WorkerCreateRouterResponse.parser()).getRouterId();
        WebRtcTransportInfo transport = call("router.createWebRtcTransport", RouterCreateWebRtcTransportRequest
                .newBuilder().setRouterId(routerId).setUserId("chromium")
                .setEnableUdp(protocol == TransportProtocol.UDP).setEnableTcp(protocol == TransportProtocol.TCP).build(),
                RouterCreateWebRtcTransportResponse.parser()).getTransport();

        try (ChromiumBrowser browser = ChromiumBrowser.launch(ExternalTool.require("chromium", "chromium"), List.of())) {
            browser.navigate("http://127.0.0.1:" + pageServer.getAddress().getPort() + "/");
            String offer = browser.evaluate("""
                    (async () => {
                      const canvas = document.createElement('canvas');
                      canvas.width = 320; canvas.height = 240;
                      const g = canvas.getContext('2d');
                      let frame = 0;
                      setInterval(() => { g.fillStyle = `hsl(${(frame++ * 7) % 360} 80% 50%)`; g.fillRect(0, 0, 320, 240); }, 50);
                      const track = canvas.captureStream(20).getVideoTracks()[0];
                      window.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
                      pc.addTransceiver(track, { direction: 'sendonly' });
                      const offer = await pc.createOffer();
                      await pc.setLocalDescription(offer);
                      return offer.sdp;
                    })()""").asText();

            Matcher vp8 = VP8.matcher(offer);
            Matcher fingerprint = FINGERPRINT.matcher(offer);
            assertThat(vp8.find()).as("VP8 in Chromium's offer").isTrue();
            assertThat(fingerprint.find()).as("fingerprint in Chromium's offer").isTrue();

            // The browser answers actpass with active (RFC 5763 §5): it is the DTLS client.
            TransportConnectResponse connected = call("transport.connect", TransportConnectRequest.newBuilder()
                    .setTransportId(transport.getId())
                    .setDtlsParameters(DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT)
                            .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256")
                                    .setValue(fingerprint.group(1))))
                    .build(), TransportConnectResponse.parser());
            assertThat(connected.getDtlsLocalRole()).isEqualTo(DtlsRole.SERVER);

            String answer = answer(transport, vp8.group(1));
            browser.evaluate("pc.setRemoteDescription({ type: 'answer', sdp: " + quote(answer) + " }).then(() => true)");

            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(browser.evaluate("pc.connectionState").asText()).isEqualTo("connected"));
            await().atMost(WAIT).untilAsserted(() -> {
                TransportStats stats = call("transport.getStats", TransportGetStatsRequest.newBuilder()
                        .setTransportId(transport.getId()).build(), TransportGetStatsResponse.parser()).getStats();
                assertThat(stats.getIceState()).isIn(IceState.ICE_CONNECTED, IceState.ICE_COMPLETED);
                assertThat(stats.getDtlsState()).isEqualTo(DtlsState.DTLS_CONNECTED);
                assertThat(stats.getIceSelectedTuple().getProtocol()).isEqualTo(protocol);
                assertThat(stats.getPacketsReceived()).isGreaterThan(100);
                assertThat(stats.getDroppedPacketsMap()).doesNotContainKeys("srtp_auth_failed", "srtp_malformed");
            });
            await().atMost(WAIT).untilAsserted(() -> assertThat(browser.evaluate("""
                    (async () => {
                      let sent = 0;
                      (await pc.getStats()).forEach(s => { if (s.type === 'outbound-rtp') sent += s.packetsSent; });
                      return sent;
                    })()""").asLong()).isGreaterThan(100));
        }
    }

    /** The SDP answer mediasoup-client would build from the transport: ICE-lite, host candidate, passive DTLS. */
    private static String answer(WebRtcTransportInfo transport, String vp8PayloadType) {
        DtlsFingerprint sha256 = transport.getDtlsParameters().getFingerprintsList().stream()
                .filter(f -> f.getAlgorithm().equals("sha-256")).findFirst().orElseThrow();
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=sluice 1 1 IN IP4 127.0.0.1\r\n")
                .append("s=-\r\n")
                .append("t=0 0\r\n")
                .append("a=ice-lite\r\n")
                .append("a=group:BUNDLE 0\r\n")
                .append("a=msid-semantic: WMS *\r\n")
                .append("m=video 9 UDP/TLS/RTP/SAVPF ").append(vp8PayloadType).append("\r\n")
                .append("c=IN IP4 127.0.0.1\r\n")
                .append("a=mid:0\r\n")
                .append("a=recvonly\r\n")
                .append("a=rtcp-mux\r\n")
                .append("a=rtcp-rsize\r\n")
                .append("a=ice-ufrag:").append(transport.getIceParameters().getUsernameFragment()).append("\r\n")
                .append("a=ice-pwd:").append(transport.getIceParameters().getPassword()).append("\r\n")
                .append("a=fingerprint:sha-256 ").append(sha256.getValue()).append("\r\n")
                .append("a=setup:passive\r\n")
                .append("a=rtpmap:").append(vp8PayloadType).append(" VP8/90000\r\n");
        for (IceCandidate candidate : transport.getIceCandidatesList()) {
            sdp.append("a=candidate:").append(candidate.getFoundation()).append(" 1 ")
                    .append(candidate.getProtocol() == TransportProtocol.UDP ? "udp" : "tcp").append(' ')
                    .append(Integer.toUnsignedString(candidate.getPriority())).append(' ')
                    .append(candidate.getAddress()).append(' ').append(candidate.getPort()).append(" typ host");
            if (!candidate.getTcpType().isEmpty()) {
                sdp.append(" tcptype ").append(candidate.getTcpType());
            }
            sdp.append("\r\n");
        }
        return sdp.append("a=end-of-candidates\r\n").toString();
    }

    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "\\r").replace("\n", "\\n") + "'";
    }
}
