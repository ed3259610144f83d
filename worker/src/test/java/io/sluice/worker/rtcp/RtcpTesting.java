package io.sluice.worker.rtcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;

/** Serialization half of the parse, assert, serialize, byte-compare tests. */
final class RtcpTesting {

    private RtcpTesting() {
    }

    /** Writes {@code packet} into a fresh buffer and returns its bytes, checking serializedLength(). */
    static byte[] serialize(TestBuffers buffers, RtcpPacket packet) {
        ByteBuf out = buffers.empty(16);
        out.writeByte(0x5a); // a byte already in the destination must stay untouched
        packet.writeTo(out);
        assertThat(out.readByte()).isEqualTo((byte) 0x5a);
        assertThat(out.readableBytes()).isEqualTo(packet.serializedLength());
        assertThat(packet.serializedLength() % 4).isZero();
        return TestBuffers.readable(out);
    }

    static int[] concat(int[]... parts) {
        int length = 0;
        for (int[] part : parts) {
            length += part.length;
        }
        int[] all = new int[length];
        int next = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, all, next, part.length);
            next += part.length;
        }
        return all;
    }
}
