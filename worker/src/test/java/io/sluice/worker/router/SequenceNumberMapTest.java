package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A layered consumer's sequence numbers (RFC 3550 §5.1, compared modulo 2^16 as in §A.1): no hole
 * where packets were dropped on purpose, late packets numbered as if they had come in order, and
 * nothing from before the last resync.
 */
class SequenceNumberMapTest {

    private final SequenceNumberMap map = new SequenceNumberMap();

    @Test
    void droppedPacketsLeaveNoHole() {
        map.resync(100, 5000);
        assertThat(map.map(100)).isEqualTo(5000);
        map.drop(101);
        map.drop(102);
        assertThat(map.map(103)).isEqualTo(5001);
        map.drop(104);
        assertThat(map.map(105)).isEqualTo(5002);
    }

    @Test
    void aLatePacketGetsTheNumberItWouldHaveHadInOrder() {
        map.resync(10, 10);
        assertThat(map.map(10)).isEqualTo(10);
        map.drop(12);
        assertThat(map.map(13)).isEqualTo(12);
        map.drop(14);
        assertThat(map.map(15)).isEqualTo(13);
        // 11 was lost and arrives now (an RTX repair): before the drops of 12 and 14.
        assertThat(map.map(11)).isEqualTo(11);
        assertThat(map.map(16)).isEqualTo(14);
    }

    @Test
    void packetsFromBeforeTheResyncAreTooOld() {
        map.resync(500, 70);
        assertThat(map.map(500)).isEqualTo(70);
        assertThat(map.map(499)).isEqualTo(SequenceNumberMap.TOO_OLD);
        assertThat(map.map(501)).isEqualTo(71);
    }

    @Test
    void numbersWrapAroundBothSides() {
        map.resync(0xFFFE, 0xFFFF);
        assertThat(map.map(0xFFFE)).isEqualTo(0xFFFF);
        map.drop(0xFFFF);
        assertThat(map.map(0x0000)).isEqualTo(0x0000);
        assertThat(map.map(0x0001)).isEqualTo(0x0001);
    }

    @Test
    void aLatePacketBeyondTheRememberedDropsIsTooOld() {
        map.resync(0, 0);
        map.map(0);
        for (int i = 1; i <= 300; i++) {
            map.drop(i);
        }
        assertThat(map.map(301)).isEqualTo(1);
        assertThat(map.map(2)).as("older than the 256 drops remembered").isEqualTo(SequenceNumberMap.TOO_OLD);
    }
}
