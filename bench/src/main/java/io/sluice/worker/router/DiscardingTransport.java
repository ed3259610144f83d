package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.time.Clock;

/**
 * A media transport for the forwarding benchmarks that releases what it is asked to send, as a
 * socket would once written, and counts the RTP bytes (returned by the benchmarks, so that the JIT
 * cannot drop the work).
 */
final class DiscardingTransport implements MediaTransport {

    private final SendSideBandwidthEstimator bandwidthEstimator = SendSideBandwidthEstimator.withDefaults(Clock.system());
    private final LoopCounters loopCounters = new LoopCounters();
    /** RTP bytes sent so far. */
    long sent;

    @Override
    public String id() {
        return "discard";
    }

    @Override
    public LoopCounters loopCounters() {
        return loopCounters;
    }

    @Override
    public Router router() {
        return null;
    }

    @Override
    public boolean closed() {
        return false;
    }

    @Override
    public void sendRtp(ByteBuf packet) {
        sent += packet.readableBytes();
        packet.release();
    }

    @Override
    public void sendRtcp(ByteBuf packet) {
        packet.release();
    }

    @Override
    public SendSideBandwidthEstimator bandwidthEstimator() {
        return bandwidthEstimator;
    }

    @Override
    public int srtpOverhead() {
        return 16;
    }
}
