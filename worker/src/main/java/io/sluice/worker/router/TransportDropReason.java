package io.sluice.worker.router;

/** Why a WebRTC transport dropped an incoming packet; counted per transport in getStats. */
public enum TransportDropReason {
    /** Not STUN, DTLS, RTP or RTCP by its first bytes (RFC 7983 §7). */
    UNKNOWN_PACKET("unknown_packet"),
    /** DTLS, RTP or RTCP from an address that passed no ICE check. */
    UNKNOWN_TUPLE("unknown_tuple"),
    /** RTP or RTCP before DTLS gave SRTP keys. */
    NO_SRTP_KEYS("no_srtp_keys");

    private final String statsName;

    TransportDropReason(String statsName) {
        this.statsName = statsName;
    }

    public String statsName() {
        return statsName;
    }
}
