package io.sluice.worker.sctp;

/** A user message as sent: its stream, sequence number and reliability, shared by its fragments. */
final class OutboundMessage {

    final int streamId;
    final int streamSequenceNumber;
    final long payloadProtocolId;
    final boolean unordered;
    final int maxRetransmits;
    final long expiresAtMillis;
    final int length;
    boolean abandoned;
    int unackedChunks;

    OutboundMessage(int streamId, int streamSequenceNumber, long payloadProtocolId, boolean unordered,
            Reliability reliability, long nowMillis, int length) {
        this.streamId = streamId;
        this.streamSequenceNumber = streamSequenceNumber;
        this.payloadProtocolId = payloadProtocolId;
        this.unordered = unordered;
        this.maxRetransmits = reliability.maxRetransmits();
        this.expiresAtMillis = reliability.maxPacketLifeTimeMillis() < 0 ? Long.MAX_VALUE
                : nowMillis + reliability.maxPacketLifeTimeMillis();
        this.length = length;
    }

    /** RFC 3758 §3.5 A2: past its lifetime, or retransmitted as often as allowed. */
    boolean shouldAbandon(OutboundChunk chunk, long nowMillis) {
        return nowMillis >= expiresAtMillis || (maxRetransmits >= 0 && chunk.transmissions > maxRetransmits);
    }
}
