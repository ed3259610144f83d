package io.sluice.worker.srtp;

/**
 * The session keys of one SRTP crypto context, derived from a master key and salt (RFC 3711 §4.3).
 * The authentication keys are empty for the AEAD profiles, whose tag comes from GCM (RFC 7714 §11).
 */
record SrtpSessionKeys(
        byte[] rtpCipherKey, byte[] rtpAuthKey, byte[] rtpSalt,
        byte[] rtcpCipherKey, byte[] rtcpAuthKey, byte[] rtcpSalt) {
}
