package io.sluice.worker.router.parameters;

/** The retransmission stream of an encoding (RFC 4588 section 8.6), by its SSRC (unsigned). */
public record RtxParameters(int ssrc) {}
