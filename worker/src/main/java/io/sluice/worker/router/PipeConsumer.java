package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.RtpParameters;
import java.util.Map;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;

/**
 * A consumer of type "pipe" (mediasoup's PipeConsumer): relays every encoding of its producer
 * across a {@link PipeTransport}, each as a stream of its own under the SSRC of the pipe
 * parameters, with no layer selection, so the producer at the other end is the same simple,
 * simulcast or SVC producer. Timestamps pass unchanged; after a pause each stream's sequence
 * numbers continue from the last one sent (RFC 3550 §5.1), so the other end sees no gap to NACK.
 * Key-frame requests and NACKs from the other end reach the stream whose SSRC they name. Runs on
 * the router's loop.
 */
public final class PipeConsumer extends Consumer {

    /** One per producer encoding, in its order; the first is the base class's stream. */
    private final ConsumerSendStream[] streams;
    private final boolean[] syncRequired;
    private final int[] sequenceNumberOffsets;
    private final long[] keyFrameRequests;

    /**
     * @param otherStreams the send streams of the producer's encodings after the first (one
     *     encoding each), made from {@code rtpParameters}' other encodings
     */
    PipeConsumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters,
            ConsumerSendStream[] otherStreams, Map<String, String> appData, Clock clock, ByteBufAllocator allocator) {
        super(id, producer, transport, rtpParameters, false, appData, clock, allocator);
        streams = new ConsumerSendStream[otherStreams.length + 1];
        streams[0] = stream;
        System.arraycopy(otherStreams, 0, streams, 1, otherStreams.length);
        syncRequired = new boolean[streams.length];
        sequenceNumberOffsets = new int[streams.length];
        keyFrameRequests = new long[streams.length];
    }

    @Override
    public String type() {
        return "pipe";
    }

    @Override
    void send(int producerStream, RtpPacket packet) {
        if (!active()) {
            drop(DropReason.PAUSED);
            return;
        }
        ConsumerSendStream out = streams[producerStream];
        if (syncRequired[producerStream]) {
            syncRequired[producerStream] = false;
            if (out.sentAny()) {
                sequenceNumberOffsets[producerStream] =
                        (out.lastSequenceNumber() + 1 - packet.sequenceNumber()) & 0xFFFF;
            }
        }
        int sequenceNumber = (packet.sequenceNumber() + sequenceNumberOffsets[producerStream]) & 0xFFFF;
        count(out.send(packet, sequenceNumber, packet.timestamp(), clock.monotonicMillis(), null));
    }

    @Override
    protected void onStreamRestart() {
        java.util.Arrays.fill(syncRequired, true);
        producer().requestKeyFrame();
    }

    @Override
    ConsumerSendStream[] sendStreams() {
        return streams;
    }

    @Override
    long keyFrameRequestsReceived(int index) {
        return keyFrameRequests[index];
    }

    @Override
    boolean sendsSsrc(long ssrc) {
        return streamOf(ssrc) >= 0;
    }

    private int streamOf(long ssrc) {
        for (int i = 0; i < streams.length; i++) {
            if (streams[i].ssrc() == ssrc) {
                return i;
            }
        }
        return -1;
    }

    /** A PLI or FIR from the other end asks the producer for the encoding it names, under the producer's throttle. */
    @Override
    void onKeyFrameRequested(long mediaSsrc) {
        countKeyFrameRequest();
        int encoding = streamOf(mediaSsrc);
        if (encoding >= 0) {
            keyFrameRequests[encoding]++;
        }
        if (active() && encoding >= 0) {
            producer().requestKeyFrame(encoding);
        }
    }

    @Override
    void onNack(long mediaSsrc, ByteBuf rtcp, int offset, int items) {
        int encoding = streamOf(mediaSsrc);
        if (encoding >= 0) {
            streams[encoding].onNack(rtcp, offset, items, clock.monotonicMillis());
        }
    }

    @Override
    void close() {
        for (ConsumerSendStream each : streams) {
            each.close();
        }
    }
}
