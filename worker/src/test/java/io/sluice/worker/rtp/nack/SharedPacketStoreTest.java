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

/**
 * One copy per forwarded packet, found by its handle: stored once however many consumers ask,
 * across sequence number wrap-around, gone once its slot is reused or it is too old, per stream,
 * and every copy released on close.
 */
class SharedPacketStoreTest {

    private static final long SSRC_A = 0x0A0A0A0AL;
    private static final long SSRC_B = 0xB0B0B0B0L;

    private final List<ByteBuf> allocated = new ArrayList<>();
    private final PooledByteBufAllocator pool = new PooledByteBufAllocator(true) {
        @Override
        public ByteBuf directBuffer(int initialCapacity) {
            ByteBuf buf = super.directBuffer(initialCapacity);
            allocated.add(buf);
            return buf;
        }
    };
    private final SharedPacketStore store = new SharedPacketStore(pool, new long[] {SSRC_A, SSRC_B}, 16, 2000);
    private final List<ByteBuf> sources = new ArrayList<>();

    @AfterEach
    void everyCopyIsReleased() {
        store.close();
        sources.forEach(ByteBuf::release);
        assertThat(allocated).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private ByteBuf packet(int sequenceNumber, int length) {
        ByteBuf buf = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            buf.writeByte(sequenceNumber + i);
        }
        sources.add(buf);
        return buf;
    }

    private long store(long ssrc, int sequenceNumber, int length, long nowMs) {
        ByteBuf src = packet(sequenceNumber, length);
        return store.storeOnce(src, 0, length, ssrc, sequenceNumber, nowMs);
    }

    @Test
    void theSamePacketForwardedToManyConsumersIsCopiedOnce() {
        ByteBuf src = packet(7, 100);
        long first = store.storeOnce(src, 0, 100, SSRC_A, 7, 0);
        long second = store.storeOnce(src, 0, 100, SSRC_A, 7, 0);
        long third = store.storeOnce(src, 0, 100, SSRC_A, 7, 0);
        assertThat(first).isNotEqualTo(SharedPacketStore.NO_HANDLE).isEqualTo(second).isEqualTo(third);
        assertThat(allocated).hasSize(1);
        assertThat(store.storedPackets()).isEqualTo(1);
    }

    @Test
    void theCopyIsTheCallersBytesAndTheCallerKeepsItsBuffer() {
        ByteBuf src = packet(7, 100);
        byte[] expected = ByteBufUtil.getBytes(src);
        long handle = store.storeOnce(src, 0, 100, SSRC_A, 7, 0);
        src.setByte(0, 0x55);
        assertThat(ByteBufUtil.getBytes(store.get(handle, 7, 10))).isEqualTo(expected);
        assertThat(src.refCnt()).isEqualTo(1);
    }

    @Test
    void aPacketWhoseSlotANewerPacketTookIsUnavailable() {
        long old = store(SSRC_A, 5, 50, 0);
        long newer = store(SSRC_A, 5 + 16, 60, 0);
        assertThat(store.get(old, 5, 0)).as("slot reused").isNull();
        assertThat(store.get(newer, 21, 0).readableBytes()).isEqualTo(60);
        assertThat(allocated).as("the slot's buffer was too small and was replaced").hasSize(2);
        store(SSRC_A, 37, 40, 0);
        assertThat(allocated).as("a buffer large enough is reused").hasSize(2);
    }

    @Test
    void theSameSequenceNumberStoredAgainGetsANewHandle() {
        long first = store(SSRC_A, 5, 50, 0);
        store(SSRC_A, 6, 50, 0);
        long again = store(SSRC_A, 5, 50, 0);
        assertThat(again).isNotEqualTo(first);
        assertThat(store.get(first, 5, 0)).as("the older copy was overwritten").isNull();
        assertThat(store.get(again, 5, 0)).isNotNull();
    }

    @Test
    void sequenceNumbersWrap() {
        long[] handles = new long[10];
        for (int i = 0; i < 10; i++) {
            handles[i] = store(SSRC_A, (65530 + i) & 0xFFFF, 40, 0);
        }
        assertThat(store.get(handles[5], 65535, 0).readableBytes()).isEqualTo(40);
        assertThat(store.get(handles[9], 3, 0).getByte(0)).isEqualTo((byte) 3);
        assertThat(store.get(handles[9], 4, 0)).as("another sequence number").isNull();
    }

    @Test
    void streamsHaveRingsOfTheirOwn() {
        long a = store(SSRC_A, 5, 50, 0);
        long b = store(SSRC_B, 5, 70, 0);
        assertThat(store.get(a, 5, 0).readableBytes()).isEqualTo(50);
        assertThat(store.get(b, 5, 0).readableBytes()).isEqualTo(70);
        assertThat(store(0x12345678L, 5, 50, 0)).as("not a stream of this store").isEqualTo(SharedPacketStore.NO_HANDLE);
    }

    @Test
    void tooOldIsUnavailable() {
        long handle = store(SSRC_A, 1, 40, 0);
        assertThat(store.get(handle, 1, 2000)).isNotNull();
        assertThat(store.get(handle, 1, 2001)).isNull();
    }

    @Test
    void closeReleasesEveryCopyAndStoresNothingMore() {
        for (int i = 0; i < 40; i++) {
            store(i % 2 == 0 ? SSRC_A : SSRC_B, i, 30 + i, 0);
        }
        long handle = store(SSRC_A, 100, 40, 0);
        store.close();
        assertThat(allocated).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
        assertThat(store.get(handle, 100, 0)).isNull();
        assertThat(store(SSRC_A, 101, 40, 0)).isEqualTo(SharedPacketStore.NO_HANDLE);
        assertThat(store.storedPackets()).isZero();
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new SharedPacketStore(pool, new long[] {1}, 1000, 2000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
