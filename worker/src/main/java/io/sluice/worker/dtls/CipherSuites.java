package io.sluice.worker.dtls;

import org.bouncycastle.tls.CipherSuite;

/**
 * The cipher suites we accept: ECDHE with AES-GCM only (RFC 5289), as every WebRTC peer offers.
 * AEAD only, so that every encrypted record has a known minimum size that {@link
 * QueuedDatagramTransport} checks before BouncyCastle sees it.
 */
final class CipherSuites {

    private CipherSuites() {}

    /** RFC 5288 §3: an AES-GCM record carries an 8-byte explicit nonce and a 16-byte tag. */
    static final int MIN_ENCRYPTED_RECORD_LENGTH = 8 + 16;

    /** Our certificate is ECDSA, so as a server only ECDHE_ECDSA suites can be selected. */
    static final int[] ECDSA = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };

    /** As a client we also accept a server with an RSA certificate. */
    static final int[] ECDSA_AND_RSA = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    };
}
