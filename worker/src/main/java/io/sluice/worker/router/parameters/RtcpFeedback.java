package io.sluice.worker.router.parameters;

/**
 * One RTCP feedback a codec supports (RFC 4585 section 4.2 {@code a=rtcp-fb}): type "nack", "ccm",
 * "goog-remb" or "transport-cc", and a parameter such as "pli" or "fir", or "".
 */
public record RtcpFeedback(String type, String parameter) {}
