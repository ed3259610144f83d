package io.sluice.worker.dtls;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A certificate fingerprint as in SDP {@code a=fingerprint:sha-256 AB:CD:...} (RFC 8122 §5):
 * the hash of the DER certificate, as uppercase hex bytes separated by colons.
 */
public record DtlsFingerprint(FingerprintAlgorithm algorithm, String value) {

    private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public DtlsFingerprint {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(value, "value");
    }

    /** The fingerprint of a DER-encoded certificate. */
    public static DtlsFingerprint of(FingerprintAlgorithm algorithm, byte[] derCertificate) {
        return new DtlsFingerprint(algorithm, COLON_HEX.formatHex(algorithm.digest(derCertificate)));
    }

    /**
     * Validates a peer's fingerprint from the control API (mediasoup's {@code dtlsParameters}).
     * The value is normalised to uppercase; its length must match the hash (RFC 8122 §5).
     */
    public static DtlsFingerprint parse(String algorithmName, String value) throws InvalidFingerprintException {
        FingerprintAlgorithm algorithm = FingerprintAlgorithm.fromSdpName(algorithmName);
        if (algorithm == null) {
            throw new InvalidFingerprintException(InvalidFingerprintException.Problem.UNSUPPORTED_ALGORITHM,
                    "unsupported fingerprint algorithm: " + algorithmName);
        }
        byte[] digest;
        try {
            digest = COLON_HEX.parseHex(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidFingerprintException(InvalidFingerprintException.Problem.MALFORMED_VALUE,
                    "fingerprint is not colon-separated hex: " + value);
        }
        if (digest.length != algorithm.digestLength()) {
            throw new InvalidFingerprintException(InvalidFingerprintException.Problem.MALFORMED_VALUE,
                    algorithm.sdpName() + " fingerprint must have " + algorithm.digestLength() + " bytes, got "
                            + digest.length);
        }
        return new DtlsFingerprint(algorithm, COLON_HEX.formatHex(digest));
    }

    /** Whether this is the fingerprint of the given DER certificate; compares in constant time. */
    public boolean matches(byte[] derCertificate) {
        byte[] expected;
        try {
            expected = COLON_HEX.parseHex(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, algorithm.digest(derCertificate));
    }

    /** As in SDP: {@code sha-256 AB:CD:...}. */
    @Override
    public String toString() {
        return algorithm.sdpName() + " " + value;
    }
}
