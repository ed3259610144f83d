package io.sluice.worker.router;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.Map;

/**
 * A consumer of one single-stream producer (mediasoup's SimpleConsumer): every packet of the
 * producer's stream goes out, shifted by a sequence number and timestamp offset. After a pause
 * the offsets are recomputed on the first packet, so the receiver sees no gap (RFC 3550 §5.1:
 * sequence numbers increment by one per packet sent). Runs on the router's loop.
 */
public final class SimpleConsumer extends Consumer {

    private boolean syncRequired = true;
    private int sequenceNumberOffset;
    private long timestampOffset;

    SimpleConsumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters,
            boolean paused, Map<String, String> appData, Clock clock, ByteBufAllocator allocator) {
        super(id, producer, transport, rtpParameters, paused, appData, clock, allocator);
    }

    @Override
    public String type() {
        return "simple";
    }

    @Override
    void send(int producerStream, RtpPacket packet) {
        if (!active()) {
            drop(DropReason.PAUSED);
            return;
        }
        if (!stream.supportsPayloadType(packet.payloadType())) {
            drop(DropReason.UNSUPPORTED_PAYLOAD_TYPE);
            return;
        }
        long now = clock.monotonicMillis();
        if (syncRequired) {
            synchronize(packet, now);
        }
        int sequenceNumber = (packet.sequenceNumber() + sequenceNumberOffset) & 0xFFFF;
        long timestamp = (packet.timestamp() + timestampOffset) & 0xFFFFFFFFL;
        count(stream.send(packet, sequenceNumber, timestamp, now, null));
    }

    /**
     * The first packet after creation keeps the producer's numbering; after a pause, the next
     * sequence number follows the last one sent and the timestamp advances by the wall time that
     * passed (at least one tick), so the receiver's jitter buffer sees a late frame, not a jump.
     */
    private void synchronize(RtpPacket packet, long now) {
        syncRequired = false;
        if (!stream.sentAny()) {
            return;
        }
        sequenceNumberOffset = (stream.lastSequenceNumber() + 1 - packet.sequenceNumber()) & 0xFFFF;
        long elapsedTicks = Math.max(1, (now - stream.lastSentAtMs()) * stream.clockRate() / 1000);
        timestampOffset = (stream.lastTimestamp() + elapsedTicks - packet.timestamp()) & 0xFFFFFFFFL;
    }

    @Override
    protected void onStreamRestart() {
        syncRequired = true;
        producer().requestKeyFrame();
    }
}
