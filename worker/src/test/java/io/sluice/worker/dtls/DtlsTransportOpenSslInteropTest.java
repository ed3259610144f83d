package io.sluice.worker.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.Patience;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sluice against real OpenSSL over loopback UDP, in both roles: the same keying material must come
 * out of RFC 5764 §4.2's exporter on both sides, for every SRTP profile.
 */
class DtlsTransportOpenSslInteropTest {

    private static final Duration HANDSHAKE = Patience.WAIT;

    private static ExecutorService handshakes;
    private static DtlsCertificate ours;
    private static DtlsCertificate theirs;

    @TempDir
    Path dir;

    private Path opensslCert;
    private Path opensslKey;

    @BeforeAll
    static void startExecutor() {
        handshakes = DtlsTransport.newHandshakeExecutor(2);
        ours = DtlsCertificate.generate();
        theirs = DtlsCertificate.generate();
    }

    @AfterAll
    static void stopExecutor() throws InterruptedException {
        handshakes.shutdownNow();
        handshakes.awaitTermination(5, TimeUnit.SECONDS);
    }

    private List<String> openssl(String... args) throws Exception {
        Path binary = ExternalTool.require("openssl", "openssl");
        opensslCert = dir.resolve("peer-cert.pem");
        opensslKey = dir.resolve("peer-key.pem");
        Files.writeString(opensslCert, theirs.certificatePem());
        Files.writeString(opensslKey, theirs.privateKeyPem());
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-cert", opensslCert.toString(), "-key", opensslKey.toString()));
        return command;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "SRTP_AES128_CM_SHA1_80, AES128_CM_HMAC_SHA1_80",
        "SRTP_AES128_CM_SHA1_32, AES128_CM_HMAC_SHA1_32",
        "SRTP_AEAD_AES_128_GCM, AEAD_AES_128_GCM",
        "SRTP_AEAD_AES_256_GCM, AEAD_AES_256_GCM",
    })
    void rfc5764_section4_2_sluiceServerAndOpenSslClientExportTheSameKeys(String opensslProfile, SrtpProfile profile)
            throws Exception {
        try (LoopPeer server = new LoopPeer(handshakes, ours, DtlsTransport.Settings.DEFAULT);
                UdpGlue glue = new UdpGlue(server, null)) {
            server.connect(DtlsRole.SERVER, theirs.fingerprint(FingerprintAlgorithm.SHA_256));
            try (OpenSslProcess client = new OpenSslProcess(openssl("s_client", "-dtls1_2",
                    "-connect", "127.0.0.1:" + glue.localPort(),
                    "-use_srtp", opensslProfile,
                    "-keymatexport", "EXTRACTOR-dtls_srtp",
                    "-keymatexportlen", Integer.toString(profile.keyingMaterialLength())))) {

                RecordingListener.Connected connected = server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
                byte[] opensslMaterial = client.awaitKeyingMaterial(HANDSHAKE);

                assertThat(connected.profile()).isEqualTo(profile);
                assertThat(hex(rfc5764Layout(profile, connected.remoteKeyAndSalt(), connected.localKeyAndSalt())))
                        .isEqualTo(hex(opensslMaterial));
                assertThat(client.output()).contains("SRTP Extension negotiated, profile=" + opensslProfile)
                        .contains("Protocol  : DTLSv1.2");

                // RFC 5246 §7.2.1: openssl's close_notify on end of input closes our side too.
                client.closeStdin();
                server.listener.closed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(server.state()).isEqualTo(DtlsState.CLOSED);
            }
            assertThat(server.listener.offLoopCalls).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "SRTP_AES128_CM_SHA1_80, AES128_CM_HMAC_SHA1_80",
        "SRTP_AES128_CM_SHA1_32, AES128_CM_HMAC_SHA1_32",
        "SRTP_AEAD_AES_128_GCM, AEAD_AES_128_GCM",
        "SRTP_AEAD_AES_256_GCM, AEAD_AES_256_GCM",
    })
    void rfc5764_section4_2_sluiceClientAndOpenSslServerExportTheSameKeys(String opensslProfile, SrtpProfile profile)
            throws Exception {
        int port = UdpGlue.freeUdpPort();
        try (OpenSslProcess server = new OpenSslProcess(openssl("s_server", "-dtls1_2",
                "-accept", "127.0.0.1:" + port,
                "-verify", "1",
                "-use_srtp", opensslProfile,
                "-keymatexport", "EXTRACTOR-dtls_srtp",
                "-keymatexportlen", Integer.toString(profile.keyingMaterialLength())))) {
            server.awaitOutput("ACCEPT", Patience.WAIT);
            try (LoopPeer client = new LoopPeer(handshakes, ours, DtlsTransport.Settings.DEFAULT);
                    UdpGlue glue = new UdpGlue(client, new InetSocketAddress("127.0.0.1", port))) {
                client.connect(DtlsRole.CLIENT, theirs.fingerprint(FingerprintAlgorithm.SHA_512));

                RecordingListener.Connected connected = client.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
                byte[] opensslMaterial = server.awaitKeyingMaterial(HANDSHAKE);

                assertThat(connected.profile()).isEqualTo(profile);
                assertThat(hex(rfc5764Layout(profile, connected.localKeyAndSalt(), connected.remoteKeyAndSalt())))
                        .isEqualTo(hex(opensslMaterial));
                assertThat(server.output()).contains("SRTP Extension negotiated, profile=" + opensslProfile);
                // s_server asked for our certificate (-verify): it saw the one we publish.
                assertThat(server.output()).contains("depth=0 CN = sluice-");

                // Our close_notify ends s_server's connection (it prints DONE and waits for the next).
                client.closeTransport();
                server.awaitOutput("DONE", Patience.WAIT);
                assertThat(client.listener.offLoopCalls).isEmpty();
            }
        }
    }

    @Test
    void rfc5764_section4_1_1_serverPicksItsPreferredProfileAmongTheClientOffer() throws Exception {
        try (LoopPeer server = new LoopPeer(handshakes, ours, DtlsTransport.Settings.DEFAULT);
                UdpGlue glue = new UdpGlue(server, null)) {
            server.connect(DtlsRole.SERVER, theirs.fingerprint(FingerprintAlgorithm.SHA_384));
            try (OpenSslProcess client = new OpenSslProcess(openssl("s_client", "-dtls1_2",
                    "-connect", "127.0.0.1:" + glue.localPort(),
                    "-use_srtp", "SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32:SRTP_AEAD_AES_128_GCM",
                    "-keymatexport", "EXTRACTOR-dtls_srtp",
                    "-keymatexportlen", "56"))) {
                RecordingListener.Connected connected = server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
                byte[] opensslMaterial = client.awaitKeyingMaterial(HANDSHAKE);

                assertThat(connected.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
                assertThat(hex(rfc5764Layout(SrtpProfile.AEAD_AES_128_GCM, connected.remoteKeyAndSalt(),
                        connected.localKeyAndSalt()))).isEqualTo(hex(opensslMaterial));
            }
        }
    }

    @Test
    void rfc5763_section5_openSslClientWithAnotherCertificateIsRejected() throws Exception {
        DtlsCertificate expected = DtlsCertificate.generate();
        try (LoopPeer server = new LoopPeer(handshakes, ours, DtlsTransport.Settings.DEFAULT);
                UdpGlue glue = new UdpGlue(server, null)) {
            server.connect(DtlsRole.SERVER, expected.fingerprint(FingerprintAlgorithm.SHA_256));
            try (OpenSslProcess client = new OpenSslProcess(openssl("s_client", "-dtls1_2",
                    "-connect", "127.0.0.1:" + glue.localPort(),
                    "-use_srtp", "SRTP_AES128_CM_SHA1_80"))) {
                String reason = server.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

                assertThat(reason).contains("fingerprint mismatch").contains(expected.fingerprint(FingerprintAlgorithm.SHA_256).value());
                assertThat(server.state()).isEqualTo(DtlsState.FAILED);
                client.awaitOutput("alert bad certificate", Patience.WAIT);
            }
        }
    }

    /** RFC 5764 §4.2: client key | server key | client salt | server salt. */
    private static byte[] rfc5764Layout(SrtpProfile profile, byte[] clientKeyAndSalt, byte[] serverKeyAndSalt) {
        int key = profile.keyLength();
        int salt = profile.saltLength();
        byte[] material = new byte[profile.keyingMaterialLength()];
        System.arraycopy(clientKeyAndSalt, 0, material, 0, key);
        System.arraycopy(serverKeyAndSalt, 0, material, key, key);
        System.arraycopy(clientKeyAndSalt, key, material, 2 * key, salt);
        System.arraycopy(serverKeyAndSalt, key, material, 2 * key + salt, salt);
        return material;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
