package io.sluice.worker.bwe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtcp.FeedbackRtpTransport;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayDeque;
import java.util.function.LongUnaryOperator;

/**
 * One sending transport and its receiver, in simulated time: the sender paces media at a rate
 * chosen from the current estimate (by default all of it, as a GoogCC sender does) plus the
 * prober's padding, every packet numbered and recorded by the {@link SendSideBandwidthEstimator};
 * the packets cross a {@link BottleneckLink}; the receiver is the worker's own
 * {@link TransportCongestionControlServer}, whose serialized feedback is parsed back and returns
 * after the propagation delay. Advances in 1 ms steps of a {@link TestClock}.
 */
final class BweSimulation {

    static final int MEDIA_PACKET_BYTES = 1200;
    private static final long MEDIA_SSRC = 0x1111;
    private static final long PROCESS_INTERVAL_MS = 25;

    final TestClock clock;
    final SendSideBandwidthEstimator estimator;
    final BottleneckLink link;
    private final long returnDelayMicros;
    private final ArrayDeque<FeedbackRtpTransport> feedbackInFlight = new ArrayDeque<>();
    private final ArrayDeque<Long> feedbackArrivals = new ArrayDeque<>();
    private final TransportCongestionControlServer receiver;
    private LongUnaryOperator mediaRate = estimate -> estimate;
    private double mediaBudgetBytes;
    private int sequenceNumber;
    private long paddingBytesSent;
    private long mediaBytesSent;

    BweSimulation(long initialBitrate, long capacityBps, long propagationMicros, long seed) {
        this(new TestClock(), initialBitrate, capacityBps, propagationMicros, seed);
    }

    /** On {@code clock}, wherever its origin lies. */
    BweSimulation(TestClock clock, long initialBitrate, long capacityBps, long propagationMicros, long seed) {
        this.clock = clock;
        estimator = new SendSideBandwidthEstimator(clock, initialBitrate, 30_000, 20_000_000);
        link = new BottleneckLink(capacityBps, propagationMicros, 500_000, seed);
        returnDelayMicros = propagationMicros;
        receiver = new TransportCongestionControlServer(new RtcpSender() {
            @Override
            public void sendRtcp(ByteBuf packet) {
                try {
                    feedbackInFlight.add(FeedbackRtpTransport.parse(packet, packet.readerIndex(), packet.readableBytes()));
                    feedbackArrivals.add(clock.monotonicMicros() + returnDelayMicros);
                } finally {
                    packet.release();
                }
            }

            @Override
            public int srtpOverhead() {
                return 0;
            }
        }, ByteBufAllocator.DEFAULT, 0x2222);
    }

    /** The media rate the sender uses given the estimate (bit/s in, bit/s out). */
    BweSimulation mediaRate(LongUnaryOperator rate) {
        mediaRate = rate;
        return this;
    }

    /** Runs {@code millis} of simulated time, calling {@code sample} after every 100 ms. */
    void run(long millis, Sampler sample) {
        for (long i = 1; i <= millis; i++) {
            step();
            if (sample != null && i % 100 == 0) {
                sample.at(clock.monotonicMillis(), estimator.availableBitrate());
            }
        }
    }

    void run(long millis) {
        run(millis, null);
    }

    private void step() {
        long now = clock.advanceMillis(1) * 1000;
        long rate = Math.max(0, mediaRate.applyAsLong(estimator.availableBitrate()));
        mediaBudgetBytes = Math.min(mediaBudgetBytes + rate / 8000.0, 2.0 * MEDIA_PACKET_BYTES);
        while (mediaBudgetBytes >= MEDIA_PACKET_BYTES) {
            mediaBudgetBytes -= MEDIA_PACKET_BYTES;
            send(MEDIA_PACKET_BYTES, now);
            mediaBytesSent += MEDIA_PACKET_BYTES;
        }
        BitrateProber prober = estimator.prober();
        for (int packets = 0; packets < 20 && prober.paddingBytesDue(now) > 0; packets++) {
            int size = prober.probePacketSize();
            send(size, now);
            paddingBytesSent += size;
        }
        for (BottleneckLink.Delivery delivery = link.poll(now); delivery != null; delivery = link.poll(now)) {
            receiver.onPacket(delivery.sequenceNumber(), MEDIA_SSRC, delivery.arrivalMicros());
        }
        receiver.onTimer(clock.monotonicMillis());
        while (!feedbackArrivals.isEmpty() && feedbackArrivals.peek() <= now) {
            feedbackArrivals.poll();
            estimator.onTransportFeedback(feedbackInFlight.poll());
        }
        if (clock.monotonicMillis() % PROCESS_INTERVAL_MS == 0) {
            estimator.process();
        }
    }

    private void send(int size, long nowMicros) {
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        estimator.onPacketSent(sequenceNumber, size);
        link.offer(sequenceNumber, size, nowMicros);
    }

    long paddingBytesSent() {
        return paddingBytesSent;
    }

    long mediaBytesSent() {
        return mediaBytesSent;
    }

    @FunctionalInterface
    interface Sampler {
        void at(long nowMillis, long estimate);
    }
}
