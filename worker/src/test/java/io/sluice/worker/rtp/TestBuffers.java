package io.sluice.worker.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Pooled buffers for packet tests. {@link #close()} releases each buffer once and asserts that
 * this brought its reference count to 0: the code under test retained nothing.
 */
public final class TestBuffers implements AutoCloseable {

    private final List<ByteBuf> allocated = new ArrayList<>();

    /** A pooled direct buffer holding {@code bytes} (each an unsigned byte value). */
    public ByteBuf of(int... bytes) {
        ByteBuf buf = empty(bytes.length + 64);
        for (int b : bytes) {
            buf.writeByte(b);
        }
        return buf;
    }

    public ByteBuf empty(int capacity) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(capacity);
        allocated.add(buf);
        return buf;
    }

    /**
     * An unpooled heap buffer holding {@code bytes}: not tracked by the leak detector, whose
     * paranoid level records a stack trace at every access, for loops of many thousand parses.
     */
    public ByteBuf untracked(int... bytes) {
        ByteBuf buf = Unpooled.buffer(bytes.length + 64);
        allocated.add(buf);
        for (int b : bytes) {
            buf.writeByte(b);
        }
        return buf;
    }

    /** A buffer that cannot grow past {@code maxCapacity}. */
    public ByteBuf bounded(int maxCapacity) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(maxCapacity, maxCapacity);
        allocated.add(buf);
        return buf;
    }

    public static byte[] readable(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    public static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    @Override
    public void close() {
        for (ByteBuf buf : allocated) {
            assertThat(buf.release()).as("released by its owner only").isTrue();
            assertThat(buf.refCnt()).isZero();
        }
        allocated.clear();
    }
}
