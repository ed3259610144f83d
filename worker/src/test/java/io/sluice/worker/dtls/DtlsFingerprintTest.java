package io.sluice.worker.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8122 §5: {@code a=fingerprint:<hash-func> <colon-separated uppercase hex>}. */
class DtlsFingerprintTest {

    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();

    @Test
    void rfc8122_section5_parseNormalisesHexAndAlgorithmCase() throws Exception {
        DtlsFingerprint ours = CERTIFICATE.fingerprint(FingerprintAlgorithm.SHA_256);

        DtlsFingerprint parsed = DtlsFingerprint.parse("SHA-256", ours.value().toLowerCase());

        assertThat(parsed).isEqualTo(ours);
        assertThat(parsed.matches(CERTIFICATE.derEncoded())).isTrue();
        assertThat(parsed.toString()).isEqualTo("sha-256 " + ours.value());
    }

    @ParameterizedTest(name = "{0} \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "md5     | AB:CD                          | UNSUPPORTED_ALGORITHM",
        "sha-257 | AB:CD                          | UNSUPPORTED_ALGORITHM",
        "sha-1   | AB:CD                          | MALFORMED_VALUE",
        "sha-1   | ''                             | MALFORMED_VALUE",
        "sha-1   | ABCDEF0123456789ABCDEF0123456789ABCDEF01 | MALFORMED_VALUE",
        "sha-1   | AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:0G | MALFORMED_VALUE",
        "sha-1   | AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01: | MALFORMED_VALUE",
        "sha-1   | AB-CD-EF-01-23-45-67-89-AB-CD-EF-01-23-45-67-89-AB-CD-EF-01 | MALFORMED_VALUE",
    })
    void rfc8122_section5_malformedFingerprintsAreTypedErrors(String algorithm, String value,
            InvalidFingerprintException.Problem expected) {
        InvalidFingerprintException error = catchThrowableOfType(InvalidFingerprintException.class,
                () -> DtlsFingerprint.parse(algorithm, value));

        assertThat(error).isNotNull();
        assertThat(error.problem()).isEqualTo(expected);
    }

    @Test
    void anotherCertificateDoesNotMatch() {
        DtlsCertificate other = DtlsCertificate.generate();

        for (FingerprintAlgorithm algorithm : FingerprintAlgorithm.values()) {
            assertThat(CERTIFICATE.fingerprint(algorithm).matches(other.derEncoded())).isFalse();
            assertThat(CERTIFICATE.fingerprint(algorithm).matches(CERTIFICATE.derEncoded())).isTrue();
        }
    }

    @Test
    void unknownAlgorithmNamesResolveToNull() {
        assertThat(FingerprintAlgorithm.fromSdpName("sha-512")).isEqualTo(FingerprintAlgorithm.SHA_512);
        assertThat(FingerprintAlgorithm.fromSdpName("SHA-384")).isEqualTo(FingerprintAlgorithm.SHA_384);
        assertThat(FingerprintAlgorithm.fromSdpName("sha256")).isNull();
        assertThat(FingerprintAlgorithm.fromSdpName(null)).isNull();
    }
}
