package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/** Runs a parser over every prefix of every one-byte change of a valid payload: it must never throw. */
final class PayloadFuzz {

    private PayloadFuzz() {
    }

    /** {@code scratch}'s bytes are overwritten; the parse results are not checked, only that none throws. */
    static int everyPrefixOfEveryOneByteChange(ByteBuf scratch, int[] payload, PayloadParser parser,
            PayloadDescriptor d) {
        int accepted = 0;
        for (int position = 0; position < payload.length; position++) {
            for (int value = 0; value < 256; value++) {
                scratch.clear();
                for (int i = 0; i < payload.length; i++) {
                    scratch.writeByte(i == position ? value : payload[i]);
                }
                for (int length = 0; length <= payload.length; length++) {
                    scratch.writerIndex(length);
                    if (parser.parse(scratch, 0, length, (value & 1) != 0, d)) {
                        accepted++;
                    }
                }
            }
        }
        return accepted;
    }
}
