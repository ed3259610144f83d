package io.sluice.worker.rtp.nack;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gap detection, the NACK schedule (first after the reorder delay, then every RTT, at most
 * {@link NackGenerator#MAX_NACK_RETRIES} times), wraparound (RFC 3550 §A.1), reordering that is
 * not loss, recovery, and the bounds (key frame flush, overflow) with a clock the test advances.
 */
class NackGeneratorTest {

    private final TestClock clock = new TestClock(1_000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final List<int[]> nacks = new ArrayList<>();
    private int keyFrameRequests;
    private final NackGenerator generator = new NackGenerator(clock, new NackGenerator.Listener() {
        @Override
        public void onNackRequired(int[] sequenceNumbers, int count) {
            nacks.add(Arrays.copyOf(sequenceNumbers, count));
        }

        @Override
        public void onKeyFrameRequired() {
            keyFrameRequests++;
        }
    });

    private void receive(int... sequenceNumbers) {
        for (int sequenceNumber : sequenceNumbers) {
            generator.receive(sequenceNumber, false);
        }
    }

    private void advance(long ms) {
        clock.advanceMillis(ms);
        generator.onTimer();
    }

    @Test
    void inOrderPacketsNeverNack() {
        for (int i = 0; i < 500; i++) {
            receive(i);
            advance(5);
        }
        assertThat(nacks).isEmpty();
        assertThat(generator.missingCount()).isZero();
    }

    @Test
    void gapIsNackedAfterTheReorderDelay() {
        receive(10, 11, 14);
        assertThat(generator.missingCount()).isEqualTo(2);
        assertThat(nacks).as("not before the reorder delay").isEmpty();
        advance(NackGenerator.REORDER_DELAY_MS - 1);
        assertThat(nacks).isEmpty();
        advance(1);
        assertThat(nacks).containsExactly(new int[] {12, 13});
    }

    @Test
    void reorderedPacketArrivingBeforeTheDelayCostsNoNack() {
        receive(1, 2, 4, 3, 5);
        advance(NackGenerator.DEFAULT_RTT_MS * 3);
        assertThat(nacks).isEmpty();
        assertThat(generator.missingCount()).isZero();
        assertThat(generator.recovered()).isEqualTo(1);
    }

    @Test
    void retriesEveryRttUpToTheMaximum() {
        receive(100, 102);
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).hasSize(1);
        advance(NackGenerator.DEFAULT_RTT_MS - 1);
        assertThat(nacks).as("not before an RTT").hasSize(1);
        advance(1);
        assertThat(nacks).hasSize(2);
        for (int i = 0; i < 20; i++) {
            advance(NackGenerator.DEFAULT_RTT_MS);
        }
        assertThat(nacks).hasSize(NackGenerator.MAX_NACK_RETRIES).allSatisfy(nack -> assertThat(nack).containsExactly(101));
        assertThat(generator.missingCount()).isZero();
        assertThat(generator.givenUp()).isEqualTo(1);
        assertThat(generator.nextDueMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rttSpacesRetries() {
        generator.setRttMs(40);
        receive(1, 3);
        advance(NackGenerator.REORDER_DELAY_MS);
        advance(40);
        assertThat(nacks).hasSize(2);
    }

    @Test
    void recoveredPacketIsNoLongerNacked() {
        receive(1, 5);
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).containsExactly(new int[] {2, 3, 4});
        assertThat(generator.receive(3, false)).as("3 was missing").isTrue();
        assertThat(generator.receive(3, false)).as("a duplicate is not a recovery").isFalse();
        advance(NackGenerator.DEFAULT_RTT_MS);
        assertThat(nacks.get(1)).containsExactly(2, 4);
        assertThat(generator.recovered()).isEqualTo(1);
    }

    @Test
    void oldPacketThatWasNeverMissingIsNotARecovery() {
        receive(1, 2, 3);
        assertThat(generator.receive(2, false)).isFalse();
    }

    @Test
    void rfc3550_appendixA_1_gapAcrossWraparoundIsOneGap() {
        receive(65533, 65534, 1, 2);
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).containsExactly(new int[] {65535, 0});
        assertThat(generator.receive(0, false)).isTrue();
        assertThat(generator.receive(65535, false)).isTrue();
        assertThat(generator.missingCount()).isZero();
    }

    @Test
    void rfc3550_appendixA_1_latePacketBeforeWraparoundIsNotANewGap() {
        receive(65534, 0, 1);
        // 65535 arrives late, after the wrap: it is behind the highest, not 65535 packets ahead.
        assertThat(generator.receive(65535, false)).isTrue();
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).isEmpty();
    }

    @Test
    void keyFrameFlushesWhatCameBeforeIt() {
        receive(1, 4);
        generator.receive(5, true);
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).isEmpty();
        assertThat(generator.givenUp()).isEqualTo(2);
    }

    @Test
    void gapWiderThanTheListAsksForAKeyFrame() {
        receive(1, 1 + NackGenerator.MAX_NACK_PACKETS + 2);
        assertThat(keyFrameRequests).isEqualTo(1);
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).isEmpty();
    }

    @Test
    void listOverflowDropsTheOldestAndAsksForAKeyFrame() {
        receive(0, 600, 1200);
        assertThat(keyFrameRequests).isEqualTo(1);
        assertThat(generator.missingCount()).isEqualTo(NackGenerator.MAX_NACK_PACKETS);
        advance(NackGenerator.REORDER_DELAY_MS);
        int[] nacked = nacks.getFirst();
        assertThat(nacked).hasSize(NackGenerator.MAX_NACK_PACKETS);
        // Missing were 1..599 and 601..1199 (1198); the 198 oldest went.
        assertThat(nacked[0]).isEqualTo(199);
        assertThat(nacked[nacked.length - 1]).isEqualTo(1199);
    }

    @Test
    void packetsTooFarBehindAreDropped() {
        receive(0, 2);
        generator.setRttMs(1_000_000);
        for (int sequenceNumber = 3; sequenceNumber <= 1 + NackGenerator.MAX_PACKET_AGE; sequenceNumber++) {
            generator.receive(sequenceNumber, false);
        }
        assertThat(generator.missingCount()).as("1 is just MAX_PACKET_AGE behind").isOne();
        generator.receive(2 + NackGenerator.MAX_PACKET_AGE, false);
        assertThat(generator.missingCount()).isZero();
    }

    @Test
    void retriesAlsoRideOnArrivingPackets() {
        receive(1, 3);
        clock.advanceMillis(NackGenerator.REORDER_DELAY_MS);
        receive(4);
        assertThat(nacks).containsExactly(new int[] {2});
    }

    @Test
    void resetStartsTheStreamAfresh() {
        receive(1, 5);
        generator.reset();
        receive(9000, 9001);
        advance(NackGenerator.REORDER_DELAY_MS);
        assertThat(nacks).isEmpty();
    }
}
