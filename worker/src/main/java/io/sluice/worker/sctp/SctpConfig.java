package io.sluice.worker.sctp;

/**
 * An association's settings. Protocol values default to RFC 9260 §16; sizes to what WebRTC
 * peers announce (mediasoup's numSctpStreams 1024 is enough for anyone, Chromium's
 * max-message-size 256 KiB).
 *
 * @param port                       SCTP port on both sides (RFC 8841 §5: 5000 by default)
 * @param mtu                        largest SCTP packet written: DTLS and UDP add their own headers on top
 * @param streams                    outbound streams asked for (OS, RFC 9260 §3.3.2)
 * @param inboundStreams             the most inbound streams allowed (MIS)
 * @param receiveBufferBytes         the receive window: bytes held for reassembly and ordered delivery
 * @param maxMessageSize             largest message sent or accepted (RFC 8841 §6 max-message-size)
 * @param rtoInitialMillis           RTO.Initial
 * @param rtoMinMillis               RTO.Min
 * @param rtoMaxMillis               RTO.Max
 * @param maxInitRetransmits         Max.Init.Retransmits
 * @param maxAssociationRetransmits  Association.Max.Retrans: consecutive timeouts before the association fails
 * @param cookieLifetimeMillis       Valid.Cookie.Life
 * @param delayedAckMillis           longest wait before a SACK (§6.2: at most 500 ms, 200 ms recommended)
 */
public record SctpConfig(
        int port,
        int mtu,
        int streams,
        int inboundStreams,
        int receiveBufferBytes,
        int maxMessageSize,
        long rtoInitialMillis,
        long rtoMinMillis,
        long rtoMaxMillis,
        int maxInitRetransmits,
        int maxAssociationRetransmits,
        long cookieLifetimeMillis,
        long delayedAckMillis) {

    public SctpConfig {
        if (mtu < 256 || mtu > 65535) {
            throw new IllegalArgumentException("mtu must be 256..65535: " + mtu);
        }
        if (streams < 1 || streams > 65535 || inboundStreams < 1 || inboundStreams > 65535) {
            throw new IllegalArgumentException("streams must be 1..65535: " + streams + ", " + inboundStreams);
        }
        if (maxMessageSize < 1 || receiveBufferBytes < maxMessageSize) {
            throw new IllegalArgumentException("the receive buffer must hold a largest message");
        }
    }

    public static SctpConfig defaults() {
        return new SctpConfig(SctpPacket.WEBRTC_PORT, 1200, 1024, 1024, 1 << 20, 262_144,
                1_000, 1_000, 60_000, 8, 10, 60_000, 200);
    }

    public SctpConfig withRto(long initialMillis, long minMillis, long maxMillis) {
        return new SctpConfig(port, mtu, streams, inboundStreams, receiveBufferBytes, maxMessageSize, initialMillis,
                minMillis, maxMillis, maxInitRetransmits, maxAssociationRetransmits, cookieLifetimeMillis, delayedAckMillis);
    }

    public SctpConfig withMaxMessageSize(int bytes, int receiveBuffer) {
        return new SctpConfig(port, mtu, streams, inboundStreams, receiveBuffer, bytes, rtoInitialMillis,
                rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxAssociationRetransmits, cookieLifetimeMillis, delayedAckMillis);
    }

    /** {@code outbound} streams asked for (OS) and {@code inbound} allowed (MIS), as mediasoup's numSctpStreams. */
    public SctpConfig withStreams(int outbound, int inbound) {
        return new SctpConfig(port, mtu, outbound, inbound, receiveBufferBytes, maxMessageSize, rtoInitialMillis,
                rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxAssociationRetransmits, cookieLifetimeMillis,
                delayedAckMillis);
    }

    /** The largest SCTP packet: what one DTLS record carries, when SCTP runs over DTLS (RFC 8261 §5). */
    public SctpConfig withMtu(int bytes) {
        return new SctpConfig(port, bytes, streams, inboundStreams, receiveBufferBytes, maxMessageSize,
                rtoInitialMillis, rtoMinMillis, rtoMaxMillis, maxInitRetransmits, maxAssociationRetransmits,
                cookieLifetimeMillis, delayedAckMillis);
    }

    /** The most user data one DATA chunk carries: the MTU less the common header and the DATA header. */
    int maxFragmentBytes() {
        return mtu - SctpPacket.COMMON_HEADER_LENGTH - DataChunk.HEADER_LENGTH;
    }
}
