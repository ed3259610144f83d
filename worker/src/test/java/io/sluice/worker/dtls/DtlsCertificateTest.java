package io.sluice.worker.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.worker.testsupport.ExternalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worker certificate and its RFC 8122 §5 fingerprints, checked against OpenSSL's own. */
class DtlsCertificateTest {

    private static final String SDP_FINGERPRINT = "([0-9A-F]{2}:)*[0-9A-F]{2}";

    @TempDir
    Path dir;

    @Test
    void generatedCertificateIsSelfSignedEcdsaP256WithThreePublishedFingerprints() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate();

        List<DtlsFingerprint> published = certificate.publishedFingerprints();
        assertThat(published).extracting(DtlsFingerprint::algorithm).containsExactly(
                FingerprintAlgorithm.SHA_256, FingerprintAlgorithm.SHA_384, FingerprintAlgorithm.SHA_512);
        assertThat(published).allSatisfy(fingerprint -> {
            assertThat(fingerprint.value()).matches(SDP_FINGERPRINT);
            assertThat(fingerprint.value()).hasSize(fingerprint.algorithm().digestLength() * 3 - 1);
            assertThat(fingerprint.matches(certificate.derEncoded())).isTrue();
        });
        assertThat(certificate.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(certificate.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");

        Path pem = write("cert.pem", certificate.certificatePem());
        String text = openssl("x509", "-in", pem.toString(), "-noout", "-text");
        assertThat(text).contains("ASN1 OID: prime256v1").contains("Signature Algorithm: ecdsa-with-SHA256");
        assertThat(text).containsPattern("Issuer: CN ?= ?sluice-[0-9a-f]{16}").containsPattern("Subject: CN ?= ?sluice-[0-9a-f]{16}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SHA_1, -sha1", "SHA_224, -sha224", "SHA_256, -sha256", "SHA_384, -sha384", "SHA_512, -sha512"})
    void rfc8122_section5_fingerprintsMatchOpenSsl(FingerprintAlgorithm algorithm, String opensslDigest) throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate();
        Path pem = write("cert.pem", certificate.certificatePem());

        String printed = openssl("x509", "-in", pem.toString(), "-noout", "-fingerprint", opensslDigest);

        // OpenSSL 3 prints e.g. "sha256 Fingerprint=AB:CD:...".
        assertThat(printed.trim()).endsWith("Fingerprint=" + certificate.fingerprint(algorithm).value());
    }

    @Test
    void pemWrittenByUsLoadsBackToTheSameCertificate() throws Exception {
        DtlsCertificate generated = DtlsCertificate.generate();
        Path cert = write("cert.pem", generated.certificatePem());
        Path key = write("key.pem", generated.privateKeyPem());

        DtlsCertificate loaded = DtlsCertificate.fromPemFiles(cert, key);

        assertThat(loaded.publishedFingerprints()).isEqualTo(generated.publishedFingerprints());
        assertThat(loaded.privateKeyPem()).isEqualTo(generated.privateKeyPem());
    }

    @Test
    void loadsOpenSslKeysInSec1AndPkcs8Form() throws Exception {
        Path sec1Key = dir.resolve("sec1.pem");
        Path pkcs8Key = dir.resolve("pkcs8.pem");
        Path cert = dir.resolve("cert.pem");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1Key.toString());
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", sec1Key.toString(), "-out", pkcs8Key.toString());
        openssl("req", "-new", "-x509", "-key", sec1Key.toString(), "-out", cert.toString(), "-subj", "/CN=operator", "-days", "2");
        assertThat(Files.readString(sec1Key)).contains("BEGIN EC PRIVATE KEY");
        String opensslSha256 = openssl("x509", "-in", cert.toString(), "-noout", "-fingerprint", "-sha256").trim();

        DtlsCertificate fromSec1 = DtlsCertificate.fromPemFiles(cert, sec1Key);
        DtlsCertificate fromPkcs8 = DtlsCertificate.fromPemFiles(cert, pkcs8Key);

        assertThat(opensslSha256).endsWith("=" + fromSec1.fingerprint(FingerprintAlgorithm.SHA_256).value());
        assertThat(fromPkcs8.publishedFingerprints()).isEqualTo(fromSec1.publishedFingerprints());
    }

    @Test
    void loadsAP384Certificate() throws Exception {
        Path key = dir.resolve("p384.pem");
        Path cert = dir.resolve("cert.pem");
        openssl("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", key.toString());
        openssl("req", "-new", "-x509", "-key", key.toString(), "-out", cert.toString(), "-subj", "/CN=p384", "-days", "2");

        assertThat(DtlsCertificate.fromPemFiles(cert, key).fingerprint(FingerprintAlgorithm.SHA_256).value()).matches(SDP_FINGERPRINT);
    }

    @Test
    void rejectsAKeyThatIsNotTheCertificates() throws Exception {
        DtlsCertificate one = DtlsCertificate.generate();
        DtlsCertificate other = DtlsCertificate.generate();

        assertThatThrownBy(() -> DtlsCertificate.fromPem(one.certificatePem(), other.privateKeyPem()))
                .isInstanceOf(IOException.class).hasMessageContaining("does not belong");
    }

    @Test
    void rejectsRsaKeysEncryptedKeysAndNonPem() throws Exception {
        Path rsaKey = dir.resolve("rsa.pem");
        Path rsaCert = dir.resolve("rsa-cert.pem");
        Path encryptedKey = dir.resolve("encrypted.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rsaKey.toString(), "-out", rsaCert.toString(),
                "-subj", "/CN=rsa", "-days", "2");
        DtlsCertificate ec = DtlsCertificate.generate();
        Path ecKey = write("ec-key.pem", ec.privateKeyPem());
        openssl("pkcs8", "-topk8", "-in", ecKey.toString(), "-out", encryptedKey.toString(), "-passout", "pass:secret");

        assertThatThrownBy(() -> DtlsCertificate.fromPemFiles(rsaCert, rsaKey))
                .isInstanceOf(IOException.class).hasMessageContaining("not an EC key");
        assertThatThrownBy(() -> DtlsCertificate.fromPem(ec.certificatePem(), Files.readString(encryptedKey)))
                .isInstanceOf(IOException.class).hasMessageContaining("unencrypted");
        assertThatThrownBy(() -> DtlsCertificate.fromPem("not pem", ec.privateKeyPem()))
                .isInstanceOf(IOException.class).hasMessageContaining("CERTIFICATE");
        assertThatThrownBy(() -> DtlsCertificate.fromPem(ec.certificatePem(), ec.certificatePem()))
                .isInstanceOf(IOException.class);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String openssl(String... args) throws Exception {
        Path binary = ExternalTool.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("openssl %s: %s", command, output).isZero();
        return output;
    }
}
