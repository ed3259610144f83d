package io.sluice.worker.router;

import io.sluice.worker.sctp.Reliability;

/**
 * How a data producer's or data consumer's messages travel on its SCTP stream (mediasoup's
 * SctpStreamParameters, RFC 8831 §6.1): ordered or not, and reliable unless one of the two
 * partial-reliability limits is given (RFC 3758).
 *
 * @param maxPacketLifeTime milliseconds a message may be retransmitted for, or -1
 * @param maxRetransmits    retransmissions a message is given, or -1
 */
public record SctpStreamParameters(int streamId, boolean ordered, int maxPacketLifeTime, int maxRetransmits) {

    public SctpStreamParameters {
        if (streamId < 0 || streamId > 65534) {
            throw new IllegalArgumentException("stream id must be 0..65534: " + streamId);
        }
        if (maxPacketLifeTime >= 0 && maxRetransmits >= 0) {
            throw new IllegalArgumentException("maxPacketLifeTime and maxRetransmits exclude each other");
        }
    }

    public Reliability reliability() {
        if (maxRetransmits >= 0) {
            return Reliability.maxRetransmits(maxRetransmits);
        }
        return maxPacketLifeTime >= 0 ? Reliability.maxPacketLifeTime(maxPacketLifeTime) : Reliability.RELIABLE;
    }

    SctpStreamParameters onStream(int otherStreamId) {
        return new SctpStreamParameters(otherStreamId, ordered, maxPacketLifeTime, maxRetransmits);
    }
}
