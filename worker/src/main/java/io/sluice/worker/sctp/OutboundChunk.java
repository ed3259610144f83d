package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;

/** One DATA chunk waiting to be sent or acknowledged: a fragment of an {@link OutboundMessage}. */
final class OutboundChunk {

    final OutboundMessage message;
    /** Unwrapped (64-bit) TSN: only its low 32 bits go on the wire. */
    final long tsn;
    final int flags;
    final int length;
    /** A slice of the message's payload, released once acknowledged or abandoned. */
    ByteBuf payload;
    int transmissions;
    long lastSentMillis;
    boolean inFlight;
    boolean gapAcked;
    boolean markedForRetransmission;
    int missIndications;
    boolean abandoned;

    OutboundChunk(OutboundMessage message, long tsn, int flags, ByteBuf payload) {
        this.message = message;
        this.tsn = tsn;
        this.flags = flags;
        this.payload = payload;
        this.length = payload.readableBytes();
    }

    void releasePayload() {
        if (payload != null) {
            payload.release();
            payload = null;
        }
    }
}
