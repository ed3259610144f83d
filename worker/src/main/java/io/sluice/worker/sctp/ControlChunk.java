package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.function.Consumer;

/**
 * A chunk the association sends that carries no user data, as its padded length and a writer:
 * what {@link PacketBundler} bundles ahead of SACK and DATA (RFC 9260 §6.10).
 */
record ControlChunk(int length, Consumer<ByteBuf> writer) {

    /** COOKIE ACK (§3.3.12), SHUTDOWN ACK (§3.3.9), SHUTDOWN COMPLETE (§3.3.13): a header alone. */
    static ControlChunk headerOnly(int type) {
        return new ControlChunk(SctpPacket.CHUNK_HEADER_LENGTH,
                dst -> SctpPacket.writeChunkHeader(dst, type, 0, SctpPacket.CHUNK_HEADER_LENGTH));
    }

    /** COOKIE ECHO (§3.3.11) with the cookie, HEARTBEAT ACK (§3.3.6) with the Heartbeat Info echoed unchanged. */
    static ControlChunk withValue(int type, byte[] value) {
        int length = SctpPacket.CHUNK_HEADER_LENGTH + value.length;
        return new ControlChunk(SctpPacket.paddedLength(length), dst -> {
            int start = dst.writerIndex();
            SctpPacket.writeChunkHeader(dst, type, 0, length);
            dst.writeBytes(value);
            SctpPacket.pad(dst, start);
        });
    }

    /** SHUTDOWN (§3.3.8): the cumulative TSN received. */
    static ControlChunk shutdown(long cumulativeTsnAck) {
        return new ControlChunk(8, dst -> {
            SctpPacket.writeChunkHeader(dst, ChunkType.SHUTDOWN, 0, 8);
            dst.writeInt((int) cumulativeTsnAck);
        });
    }

    /** ABORT (§3.3.7) or ERROR (§3.3.10) with one cause. */
    static ControlChunk withCause(int type, ErrorCause cause) {
        List<ErrorCause> causes = List.of(cause);
        return new ControlChunk(SctpPacket.paddedLength(SctpPacket.CHUNK_HEADER_LENGTH + cause.serializedLength()),
                dst -> ErrorCause.writeChunk(dst, type, 0, causes));
    }

    static ControlChunk of(ReConfigChunk reconfig) {
        return new ControlChunk(SctpPacket.paddedLength(reconfig.serializedLength()), reconfig::writeTo);
    }
}
