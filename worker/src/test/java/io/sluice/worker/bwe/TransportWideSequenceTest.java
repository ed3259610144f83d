package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: one 16-bit counter per transport, with send times. */
class TransportWideSequenceTest {

    private final TransportWideSequence sequence = new TransportWideSequence();

    @Test
    void numbersStartAtOneAndIncrementByOne() {
        assertThat(sequence.last()).isZero();
        assertThat(sequence.next(100)).isEqualTo(1);
        assertThat(sequence.next(101)).isEqualTo(2);
        assertThat(sequence.next(105)).isEqualTo(3);
        assertThat(sequence.sentAtMs(2)).isEqualTo(101);
        assertThat(sequence.sentAtMs(3)).isEqualTo(105);
        assertThat(sequence.sentAtMs(4)).as("not sent yet").isEqualTo(-1);
        assertThat(sequence.sentAtMs(0)).as("never given").isEqualTo(-1);
        assertThat(sequence.numbered()).isEqualTo(3);
    }

    @Test
    void numbersWrapAfter65535() {
        for (int i = 1; i <= 65535; i++) {
            sequence.next(i);
        }
        assertThat(sequence.last()).isEqualTo(65535);
        assertThat(sequence.next(70000)).isZero();
        assertThat(sequence.next(70001)).isEqualTo(1);
        assertThat(sequence.sentAtMs(0)).isEqualTo(70000);
        assertThat(sequence.sentAtMs(65535)).isEqualTo(65535);
    }

    @Test
    void sendTimesOlderThanTheHistoryAreForgotten() {
        for (int i = 1; i <= TransportWideSequence.HISTORY + 10; i++) {
            sequence.next(1000 + i);
        }
        assertThat(sequence.sentAtMs(10)).as("its slot was reused").isEqualTo(-1);
        assertThat(sequence.sentAtMs(11)).isEqualTo(1011);
        assertThat(sequence.sentAtMs(TransportWideSequence.HISTORY + 10)).isEqualTo(1000 + TransportWideSequence.HISTORY + 10);
    }
}
