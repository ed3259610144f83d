package io.sluice.worker.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;

/**
 * Gives the transforms a byte array over a packet: the ByteBuf's own array when it has one (the
 * work is then truly in place), otherwise a reused scratch array the packet is copied into and,
 * on success, back out of (direct and composite buffers). The copy allocates nothing either: when
 * Netty runs with Unsafe, a buffer with a memory address is copied straight from memory; otherwise
 * through the buffer's cached internal NIO view (which a freshly pooled buffer creates once, so
 * it is the second choice). The scratch grows to the largest packet seen, once, and is then reused.
 */
final class PacketBytes {
    private static final int INITIAL_SCRATCH = 2048;
    /** Netty copies a direct buffer with a memory address through Unsafe, allocating nothing. */
    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

    private byte[] scratch = new byte[INITIAL_SCRATCH];
    private byte[] array;
    private int offset;
    private boolean copied;

    /** Opens {@code length} bytes at {@code index}, with {@code room} more bytes writable after them. */
    void open(ByteBuf buf, int index, int length, int room) {
        if (buf.hasArray()) {
            array = buf.array();
            offset = buf.arrayOffset() + index;
            copied = false;
        } else {
            int needed = length + room;
            if (needed > scratch.length) {
                scratch = new byte[Integer.highestOneBit(needed - 1) << 1];
            }
            if (!copiesByAddress(buf) && buf.nioBufferCount() == 1) {
                // ByteBuf#getBytes(int, byte[], ...) on a direct buffer without Unsafe may duplicate its NIO
                // buffer per call; the internal NIO buffer is cached, and absolute bulk get leaves it be.
                ByteBuffer nio = buf.internalNioBuffer(index, length);
                nio.get(nio.position(), scratch, 0, length);
            } else {
                buf.getBytes(index, scratch, 0, length);
            }
            array = scratch;
            offset = 0;
            copied = true;
        }
    }

    private static boolean copiesByAddress(ByteBuf buf) {
        return UNSAFE && buf.hasMemoryAddress();
    }

    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    /** Writes {@code length} bytes back into the buffer when they were worked on in the scratch. */
    void commit(ByteBuf buf, int index, int length) {
        if (!copied) {
            return;
        }
        if (!copiesByAddress(buf) && buf.nioBufferCount() == 1) {
            ByteBuffer nio = buf.internalNioBuffer(index, length);
            nio.put(nio.position(), array, 0, length);
        } else {
            buf.setBytes(index, array, 0, length);
        }
    }
}
