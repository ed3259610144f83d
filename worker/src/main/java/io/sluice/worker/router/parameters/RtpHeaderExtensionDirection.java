package io.sluice.worker.router.parameters;

/** Which way a header extension is used (RFC 8285 section 5 {@code a=extmap} direction). */
public enum RtpHeaderExtensionDirection {
    SENDRECV,
    SENDONLY,
    RECVONLY,
    INACTIVE
}
