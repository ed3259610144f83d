package io.sluice.worker.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hash functions of an SDP {@code a=fingerprint} (RFC 8122 §5, the "Hash Function Textual Names"
 * registry). We publish sha-256, sha-384 and sha-512 and accept all five from a peer, as mediasoup.
 */
public enum FingerprintAlgorithm {
    SHA_1("sha-1", "SHA-1", 20),
    SHA_224("sha-224", "SHA-224", 28),
    SHA_256("sha-256", "SHA-256", 32),
    SHA_384("sha-384", "SHA-384", 48),
    SHA_512("sha-512", "SHA-512", 64);

    private final String sdpName;
    private final String jcaName;
    private final int digestLength;

    FingerprintAlgorithm(String sdpName, String jcaName, int digestLength) {
        this.sdpName = sdpName;
        this.jcaName = jcaName;
        this.digestLength = digestLength;
    }

    /** The name in SDP and in mediasoup's DtlsParameters, e.g. {@code sha-256}. */
    public String sdpName() {
        return sdpName;
    }

    public int digestLength() {
        return digestLength;
    }

    /** Case-insensitive (RFC 8122 §5: hash-func is a token, compared case-insensitively); null if unknown. */
    public static FingerprintAlgorithm fromSdpName(String name) {
        for (FingerprintAlgorithm algorithm : values()) {
            if (algorithm.sdpName.equalsIgnoreCase(name)) {
                return algorithm;
            }
        }
        return null;
    }

    byte[] digest(byte[] data) {
        try {
            return MessageDigest.getInstance(jcaName).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has " + jcaName, e);
        }
    }
}
