package io.sluice.worker.router.parameters;

/**
 * RTCP of a stream set: the CNAME (RFC 3550 section 6.5.1) and whether reduced-size RTCP
 * (RFC 5506) is used; {@code reducedSize} null when left out (mediasoup then assumes true).
 */
public record RtcpParameters(String cname, Boolean reducedSize) {

    /** What an absent RTCP section reads as. */
    public static final RtcpParameters EMPTY = new RtcpParameters("", null);
}
