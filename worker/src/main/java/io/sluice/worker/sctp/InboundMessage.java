package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;

/** A whole received message waiting for its turn in an ordered stream. */
record InboundMessage(int streamId, int streamSequenceNumber, long payloadProtocolId, ByteBuf payload) {}
