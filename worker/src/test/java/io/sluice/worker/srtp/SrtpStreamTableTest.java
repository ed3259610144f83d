package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SrtpStreamTableTest {

    @Test
    void everySsrcStaysReachableThroughAddsAndRemovals() {
        Random random = new Random(3550);
        SrtpStreamTable table = new SrtpStreamTable(600);
        List<Integer> present = new ArrayList<>();
        Set<Integer> removed = new HashSet<>();
        while (present.size() < 600) {
            int ssrc = random.nextInt();
            if (table.get(ssrc) == null) {
                assertThat(table.add(ssrc).ssrc).isEqualTo(ssrc);
                present.add(ssrc);
            }
        }
        assertThat(table.isFull()).isTrue();
        assertThat(table.add(12345678)).isNull();

        Collections.shuffle(present, random);
        for (int i = 0; i < 300; i++) {
            int ssrc = present.remove(present.size() - 1);
            assertThat(table.remove(ssrc)).isTrue();
            removed.add(ssrc);
            if (i % 50 == 0) {
                for (int kept : present) {
                    assertThat(table.get(kept)).as("SSRC %d after %d removals", kept, i + 1).isNotNull();
                }
            }
        }
        for (int kept : present) {
            assertThat(table.get(kept).ssrc).isEqualTo(kept);
        }
        for (int gone : removed) {
            assertThat(table.get(gone)).isNull();
            assertThat(table.remove(gone)).isFalse();
        }
        assertThat(table.size()).isEqualTo(300);
    }

    @Test
    void rfc3711_appendixA_indexEstimate() {
        // s_l below 2^15: a SEQ far above it belongs to the previous ROC.
        assertThat(SrtpStream.estimateIndex(true, 5, 100, 65_000)).isEqualTo(4L * 65_536 + 65_000);
        assertThat(SrtpStream.estimateIndex(true, 5, 100, 200)).isEqualTo(5L * 65_536 + 200);
        // s_l at or above 2^15: a SEQ far below it belongs to the next ROC.
        assertThat(SrtpStream.estimateIndex(true, 5, 65_000, 10)).isEqualTo(6L * 65_536 + 10);
        assertThat(SrtpStream.estimateIndex(true, 5, 65_000, 40_000)).isEqualTo(5L * 65_536 + 40_000);
        // Before the first packet of ROC 0 there is nothing: the estimate is negative.
        assertThat(SrtpStream.estimateIndex(true, 0, 10, 65_530)).isNegative();
        assertThat(SrtpStream.estimateIndex(false, 0, 0, 65_530)).isEqualTo(65_530);
    }

    @Test
    void rfc3711_section3_3_2_replayWindowOf64() {
        ReplayWindow window = new ReplayWindow();
        assertThat(window.check(1000)).isTrue();
        window.accept(1000);
        assertThat(window.check(1000)).isFalse();
        assertThat(window.check(937)).as("63 behind").isTrue();
        assertThat(window.check(936)).as("64 behind").isFalse();
        window.accept(990);
        assertThat(window.check(990)).isFalse();
        window.accept(1100);
        assertThat(window.check(1000)).as("now 100 behind").isFalse();
        assertThat(window.check(1099)).isTrue();
        assertThat(window.highest()).isEqualTo(1100);
    }
}
