package io.sluice.worker.bwe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The delay-based detection chain (draft-ietf-rmcat-gcc-02 §5.2-5.4) on hand-fed group deltas. */
class DelayGradientTest {

    @Test
    void draftGcc02_section5_4_aGrowingQueueIsOveruseAndAFlatOneIsNot() {
        TrendlineEstimator trendline = new TrendlineEstimator();
        OveruseDetector detector = new OveruseDetector();
        long arrival = 0;
        for (int i = 0; i < 40; i++) {
            arrival += 5_000;
            detector.detect(trendline.update(5_000, 5_000, arrival), 5, arrival / 1000);
        }
        assertThat(detector.state()).isEqualTo(BandwidthUsage.NORMAL);
        for (int i = 0; i < 40; i++) {
            arrival += 6_000;
            detector.detect(trendline.update(5_000, 6_000, arrival), 5, arrival / 1000);
        }
        assertThat(trendline.slope()).as("1 ms of queue per 6 ms").isBetween(0.1, 0.2);
        assertThat(detector.state()).isEqualTo(BandwidthUsage.OVERUSING);
        for (int i = 0; i < 40; i++) {
            arrival += 4_000;
            detector.detect(trendline.update(5_000, 4_000, arrival), 5, arrival / 1000);
        }
        assertThat(detector.state()).as("the queue drains").isEqualTo(BandwidthUsage.UNDERUSING);
    }

    @Test
    void draftGcc02_section5_2_packetsSentWithinFiveMillisecondsFormOneGroup() {
        InterArrival interArrival = new InterArrival();
        assertThat(interArrival.onPacket(0, 100_000, 100)).isFalse();
        assertThat(interArrival.onPacket(4_000, 104_000, 100)).isFalse();
        assertThat(interArrival.onPacket(10_000, 111_000, 100)).isFalse();
        assertThat(interArrival.onPacket(20_000, 123_000, 100)).as("third group completes the second").isTrue();
        assertThat(interArrival.sendDeltaMicros()).isEqualTo(6_000);
        assertThat(interArrival.arrivalDeltaMicros()).isEqualTo(7_000);
        assertThat(interArrival.sizeDelta()).isEqualTo(-100);
    }
}
