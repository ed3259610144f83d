package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts an association's outgoing chunks into packets (RFC 9260 §6.10 bundling): control chunks
 * queued while a packet is handled, then whatever the association adds (SACK, FORWARD TSN, DATA),
 * in as few packets of at most the MTU as they fit, each one checksummed (§6.8) and handed on.
 *
 * <p>Buffers: every packet goes to the sink, which takes it.
 */
final class PacketBundler {

    private final SctpConfig config;
    private final ByteBufAllocator allocator;
    private final Consumer<ByteBuf> sink;
    private final List<ControlChunk> control = new ArrayList<>();
    private ByteBuf packet;
    private long tag;

    PacketBundler(SctpConfig config, ByteBufAllocator allocator, Consumer<ByteBuf> sink) {
        this.config = config;
        this.allocator = allocator;
        this.sink = sink;
    }

    /** A chunk for the next packet. */
    void queueControl(ControlChunk chunk) {
        control.add(chunk);
    }

    void clearControl() {
        control.clear();
    }

    /** Starts bundling for a peer whose verification tag is {@code peerTag}: the queued control chunks first. */
    void begin(long peerTag) {
        tag = peerTag;
        for (ControlChunk chunk : control) {
            write(chunk.length(), chunk.writer());
        }
        control.clear();
    }

    /** Writes one chunk, in the current packet when it fits, else in a new one. */
    void write(int length, Consumer<ByteBuf> writer) {
        if (packet != null && packet.writerIndex() + length > config.mtu()) {
            finishPacket();
        }
        writer.accept(current());
    }

    boolean hasPacket() {
        return packet != null;
    }

    /** Bytes still free in the current packet, or in a new one. */
    int room() {
        return config.mtu() - (packet == null ? SctpPacket.COMMON_HEADER_LENGTH : packet.writerIndex());
    }

    /** The packet being filled, started when there is none. */
    ByteBuf current() {
        if (packet == null) {
            packet = allocator.buffer(config.mtu());
            SctpPacket.writeCommonHeader(packet, config.port(), config.port(), tag);
        }
        return packet;
    }

    /** Sends the packet being filled, if any. */
    void finishPacket() {
        if (packet != null) {
            ByteBuf done = packet;
            packet = null;
            emit(done);
        }
    }

    /** A packet of one chunk, sent at once whatever is queued (INIT, INIT ACK, ABORT, SHUTDOWN COMPLETE). */
    void emitSingle(long verificationTag, ControlChunk chunk) {
        ByteBuf single = allocator.buffer(SctpPacket.COMMON_HEADER_LENGTH + chunk.length());
        SctpPacket.writeCommonHeader(single, config.port(), config.port(), verificationTag);
        chunk.writer().accept(single);
        emit(single);
    }

    private void emit(ByteBuf done) {
        SctpPacket.writeChecksum(done, 0, done.writerIndex());
        sink.accept(done);
    }
}
