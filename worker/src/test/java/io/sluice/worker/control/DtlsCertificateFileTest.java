package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.WorkerProcess;
import io.sluice.worker.config.WorkerConfig;
import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.testsupport.NatsServerProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DTLS_CERTIFICATE_FILE / DTLS_PRIVATE_KEY_FILE: transports present the configured certificate. */
class DtlsCertificateFileTest {

    @Test
    void transportsAnnounceTheFingerprintsOfTheConfiguredCertificate(@TempDir Path dir) throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate();
        Path certificateFile = Files.writeString(dir.resolve("cert.pem"), certificate.certificatePem());
        Path keyFile = Files.writeString(dir.resolve("key.pem"), certificate.privateKeyPem());

        try (NatsServerProcess nats = NatsServerProcess.start();
                RedisServerProcess redis = RedisServerProcess.start();
                WorkerProcess process = WorkerProcess.start(WorkerConfig.fromEnvironment(Map.of(
                        "NATS_URL", nats.url(), "REDIS_URL", redis.url(), "WORKERS", "1", "WORKER_ID", "cert",
                        "DTLS_CERTIFICATE_FILE", certificateFile.toString(),
                        "DTLS_PRIVATE_KEY_FILE", keyFile.toString())));
                Connection connection = Nats.connect(nats.url())) {
            ControlClient client = new ControlClient(connection, Patience.WAIT);
            String routerId = client.call("cert-0", "worker.createRouter", WorkerControlTest.opusAndVp8("room"))
                    .as(WorkerCreateRouterResponse.parser()).getRouterId();
            var transport = client.call("cert-0", "router.createWebRtcTransport",
                    RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId("u").build())
                    .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();

            assertThat(transport.getDtlsParameters().getFingerprintsList()).extracting(DtlsFingerprint::getValue)
                    .containsExactlyElementsOf(certificate.publishedFingerprints().stream()
                            .map(io.sluice.worker.dtls.DtlsFingerprint::value).toList());
        }
    }

    @Test
    void aFileThatIsNoCertificateStopsTheStartWithAClearMessage(@TempDir Path dir) throws Exception {
        Path certificateFile = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path keyFile = Files.writeString(dir.resolve("key.pem"), "not a key");
        try (NatsServerProcess nats = NatsServerProcess.start()) {
            WorkerConfig config = WorkerConfig.fromEnvironment(Map.of("NATS_URL", nats.url(), "WORKERS", "1",
                    "DTLS_CERTIFICATE_FILE", certificateFile.toString(), "DTLS_PRIVATE_KEY_FILE", keyFile.toString()));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkerProcess.start(config))
                    .hasMessageStartingWith("DTLS_CERTIFICATE_FILE / DTLS_PRIVATE_KEY_FILE do not load");
        }
    }
}
