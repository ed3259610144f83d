package io.sluice.worker.rtp.nack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Storage by sequence number across wraparound, age, the resend interval, and buffer ownership. */
class RetransmissionBufferTest {

    /** Records every buffer it hands out, so the test can prove each was released. */
    private final List<ByteBuf> allocated = new ArrayList<>();
    private final PooledByteBufAllocator pool = new PooledByteBufAllocator(true) {
        @Override
        public ByteBuf directBuffer(int initialCapacity) {
            ByteBuf buf = super.directBuffer(initialCapacity);
            allocated.add(buf);
            return buf;
        }
    };
    private RetransmissionBuffer buffer = new RetransmissionBuffer(pool, 16, 2000);

    @AfterEach
    void everyCopyIsReleased() {
        buffer.close();
        assertThat(allocated).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private static ByteBuf packet(int sequenceNumber, int length) {
        ByteBuf buf = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(sequenceNumber + i);
        }
        return buf;
    }

    private void store(int sequenceNumber, int length, long nowMs) {
        ByteBuf src = packet(sequenceNumber, length);
        buffer.store(src, 0, length, sequenceNumber, nowMs);
        assertThat(src.release()).as("the caller keeps its buffer").isTrue();
    }

    @Test
    void storedPacketIsACopy() {
        ByteBuf src = packet(7, 100);
        buffer.store(src, 0, 100, 7, 0);
        src.setByte(0, 0x55);
        ByteBuf stored = buffer.takeForResend(7, 10);
        assertThat(ByteBufUtil.getBytes(stored)).isEqualTo(ByteBufUtil.getBytes(packet(7, 100)));
        src.release();
    }

    @Test
    void unknownOrOverwrittenSequenceNumbersAreNotFound() {
        store(5, 50, 0);
        assertThat(buffer.takeForResend(6, 0)).isNull();
        store(5 + 16, 60, 0);
        assertThat(buffer.takeForResend(5, 0)).as("its slot was taken").isNull();
        assertThat(buffer.takeForResend(21, 0)).isNotNull();
    }

    @Test
    void sequenceNumbersWrap() {
        for (int sequenceNumber = 65530; sequenceNumber < 65540; sequenceNumber++) {
            store(sequenceNumber & 0xFFFF, 40, 0);
        }
        assertThat(buffer.takeForResend(65535, 0).readableBytes()).isEqualTo(40);
        assertThat(buffer.takeForResend(3, 0).getByte(0)).isEqualTo((byte) 3);
    }

    @Test
    void tooOldIsNotResent() {
        store(1, 40, 0);
        assertThat(buffer.takeForResend(1, 2001)).isNull();
    }

    @Test
    void resentAtMostOncePerInterval() {
        store(1, 40, 0);
        assertThat(buffer.takeForResend(1, 10)).isNotNull();
        assertThat(buffer.takeForResend(1, 10 + RetransmissionBuffer.DEFAULT_MIN_RESEND_INTERVAL_MS - 1)).isNull();
        assertThat(buffer.takeForResend(1, 10 + RetransmissionBuffer.DEFAULT_MIN_RESEND_INTERVAL_MS)).isNotNull();
        buffer.setMinResendIntervalMs(0);
        assertThat(buffer.takeForResend(1, 10 + RetransmissionBuffer.DEFAULT_MIN_RESEND_INTERVAL_MS)).isNotNull();
    }

    @Test
    void slotBufferIsReusedWhenLargeEnough() {
        store(1, 100, 0);
        store(17, 80, 0);
        store(33, 200, 0);
        assertThat(allocated).hasSize(2);
        assertThat(allocated.getFirst().refCnt()).as("the smaller copy was released").isZero();
    }

    @Test
    void closeReleasesAndLaterStoresAreIgnored() {
        store(1, 40, 0);
        store(2, 40, 0);
        buffer.close();
        store(3, 40, 0);
        assertThat(allocated).hasSize(2).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
        assertThat(buffer.takeForResend(1, 0)).isNull();
    }

    @Test
    void capacityMustDivideTheSequenceSpace() {
        assertThatThrownBy(() -> new RetransmissionBuffer(pool, 600, 2000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetransmissionBuffer(pool, 1 << 16, 2000)).isInstanceOf(IllegalArgumentException.class);
    }
}
