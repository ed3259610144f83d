package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.stats.ConsumerScores;
import io.sluice.worker.router.stats.ConsumerStatsSnapshot;
import io.sluice.worker.router.stats.RtpSendStreamStats;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A producer's media sent out of another transport (mediasoup's Consumer): what the router's
 * fan-out, the sending transport's RTCP and the control methods need of every kind of consumer.
 * Each sends one RTP stream ({@link ConsumerSendStream}); the subclasses choose which of the
 * producer's packets go into it and with which sequence numbers and timestamps: a
 * {@link SimpleConsumer} forwards the producer's single stream, a {@link SimulcastConsumer} one
 * encoding of several at a time, an {@link SvcConsumer} the layers of one stream up to a target.
 * Runs on the router's loop.
 */
public abstract class Consumer {

    /** Packets a consumer did not send, by reason (the keys of getStats' {@code dropped_packets}). */
    enum DropReason {
        PAUSED, UNSUPPORTED_PAYLOAD_TYPE, MALFORMED, WAITING_FOR_KEY_FRAME;

        String statsName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** mediasoup's consumer priority range (consumer.setPriority); 1 by default. */
    public static final int MIN_PRIORITY = 1;
    public static final int MAX_PRIORITY = 255;

    private final String id;
    private final Producer producer;
    private final MediaTransport transport;
    private final RtpParameters rtpParameters;
    private final Map<String, String> appData;
    protected final Clock clock;
    protected final ConsumerSendStream stream;
    private final ConsumerSendStream[] ownStream;
    private final long[] drops = new long[DropReason.values().length];
    private boolean paused;
    private boolean producerPaused;
    private int priority = MIN_PRIORITY;
    /** Paused by the worker's overload handling, apart from (and unseen by) consumer.pause. */
    private boolean shedPaused;
    private long keyFrameRequestsReceived;

    Consumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters, boolean paused,
            Map<String, String> appData, Clock clock, ByteBufAllocator allocator) {
        this.id = id;
        this.producer = producer;
        this.transport = transport;
        this.rtpParameters = rtpParameters;
        this.paused = paused;
        this.producerPaused = producer.paused();
        this.appData = appData;
        this.clock = clock;
        this.stream = new ConsumerSendStream(transport, allocator, rtpParameters, producer);
        this.ownStream = new ConsumerSendStream[] {stream};
    }

    public final String id() {
        return id;
    }

    public final Producer producer() {
        return producer;
    }

    public final MediaTransport transport() {
        return transport;
    }

    /** The application's key/values given at creation. */
    public final Map<String, String> appData() {
        return appData;
    }

    public final MediaKind kind() {
        return producer.kind();
    }

    public final RtpParameters rtpParameters() {
        return rtpParameters;
    }

    public final boolean paused() {
        return paused;
    }

    public final boolean producerPaused() {
        return producerPaused;
    }

    /**
     * Whether packets may go out now: neither the consumer nor its producer is paused, and the
     * worker's overload handling has not paused it ({@link LoadShedder}).
     */
    protected final boolean active() {
        return !paused && !producerPaused && !shedPaused;
    }

    /** mediasoup's consumer type: "simple", "simulcast" or "svc". */
    public abstract String type();

    /**
     * One packet of the producer's encoding {@code producerStream} (its index in the producer's
     * encodings), already in the router's terms; the caller keeps the buffer.
     */
    abstract void send(int producerStream, RtpPacket packet);

    /**
     * Sending starts again (after a pause of the consumer or of its producer, both now resumed):
     * the next packet must continue the stream without a gap, from a key frame.
     */
    protected abstract void onStreamRestart();

    /**
     * Sending stops (the consumer or its producer paused): a layered consumer now forwards no
     * layer.
     */
    protected void onStreamStopped() {
    }

    /** Encoding {@code stream} of the producer started or stopped sending ({@link Producer.Listener}). */
    void onProducerStreamActivity(int stream, boolean active) {
    }

    /** The producer encoding whose score the consumer's "score" event reports. */
    protected int producerStreamForScore() {
        return 0;
    }

    /** The layers a simulcast or SVC consumer prefers; null for a consumer without layers. */
    ConsumerLayers dumpedPreferredLayers() {
        return null;
    }

    /** The layers it switches to; null without layers or while it has none. */
    ConsumerLayers dumpedTargetLayers() {
        return null;
    }

    /** The layers it forwards now; null without layers or while it forwards none. */
    ConsumerLayers dumpedCurrentLayers() {
        return null;
    }

    protected final void drop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    /** Counts a packet the send stream did not take. */
    protected final void count(ConsumerSendStream.Result result) {
        switch (result) {
            case SENT -> {
            }
            case UNSUPPORTED_PAYLOAD_TYPE -> drop(DropReason.UNSUPPORTED_PAYLOAD_TYPE);
            case MALFORMED -> drop(DropReason.MALFORMED);
        }
    }

    /** The SSRC this consumer sends with (unsigned). */
    final long ssrc() {
        return stream.ssrc();
    }

    final ConsumerSendStream sendStream() {
        return stream;
    }

    /**
     * Every stream this consumer sends, the first being {@link #sendStream()}: one, except for a
     * pipe consumer (one per producer encoding). Each has its own sender reports and statistics.
     * The caller must not modify the array.
     */
    ConsumerSendStream[] sendStreams() {
        return ownStream;
    }

    final RtpSendStreamStats sendStats() {
        return stream.stats();
    }

    /** PLIs and FIRs received, about any of its streams. */
    final long keyFrameRequestsReceived() {
        return keyFrameRequestsReceived;
    }

    /** PLIs and FIRs received about send stream {@code index} of {@link #sendStreams()}. */
    long keyFrameRequestsReceived(int index) {
        return keyFrameRequestsReceived;
    }

    /** Whether this consumer sends {@code ssrc}: a PLI, FIR or NACK naming it is for this consumer. */
    boolean sendsSsrc(long ssrc) {
        return ssrc() == ssrc;
    }

    /** A PLI or FIR from the receiving endpoint about {@code mediaSsrc}: passed on to the producer (which throttles it). */
    void onKeyFrameRequested(long mediaSsrc) {
        countKeyFrameRequest();
        if (active()) {
            requestKeyFrame();
        }
    }

    protected final void countKeyFrameRequest() {
        keyFrameRequestsReceived++;
    }

    /** The generic NACK at {@code offset} in {@code rtcp} names {@code mediaSsrc}, one this consumer sends, in its {@code items} FCI items. */
    void onNack(long mediaSsrc, ByteBuf rtcp, int offset, int items) {
        stream.onNack(rtcp, offset, items, clock.monotonicMillis());
    }

    /** Packets resent in answer to NACKs (RTX or original), over all send streams; 0 without NACK. */
    final long retransmittedPackets() {
        long resent = 0;
        for (ConsumerSendStream each : sendStreams()) {
            resent += each.retransmittedPackets();
        }
        return resent;
    }

    /** The consumer is closed: the packets kept for retransmission are released. */
    void close() {
        stream.close();
    }

    /** consumer.requestKeyFrame: asks the producer (a layered consumer asks for its target layer). */
    public void requestKeyFrame() {
        producer.requestKeyFrame();
    }

    /** The consumer's score and its producer stream's, as the "score" event carries them. */
    public final ConsumerScores score() {
        return RtpStreamStatsWriter.consumerScore(this);
    }

    public final int priority() {
        return priority;
    }

    /** consumer.setPriority: {@code priority} must be within 1 to 255. */
    public final void setPriority(int priority) {
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be within 1 and 255: " + priority);
        }
        this.priority = priority;
    }

    /** consumer.pause; returns whether it changed. */
    public final boolean pause() {
        if (paused) {
            return false;
        }
        paused = true;
        onStreamStopped();
        return true;
    }

    /** consumer.resume: the next packet resynchronizes and a key frame is asked for at once. */
    public final boolean resume() {
        if (!paused) {
            return false;
        }
        paused = false;
        if (active()) {
            onStreamRestart();
        }
        return true;
    }

    /**
     * The overload handling pauses ({@code true}) or resumes the consumer; returns whether it
     * changed. Resuming restarts the stream from a key frame, as consumer.resume does.
     */
    final boolean shedPause(boolean pause) {
        if (shedPaused == pause) {
            return false;
        }
        boolean wasActive = active();
        shedPaused = pause;
        if (wasActive && !active()) {
            onStreamStopped();
        } else if (!wasActive && active()) {
            onStreamRestart();
        }
        return true;
    }

    /** Whether the overload handling has paused it ({@link LoadShedder}). */
    public final boolean shedPaused() {
        return shedPaused;
    }

    /** Its transport can send now: an active consumer restarts its stream (from a key frame). */
    final void onTransportConnected() {
        if (active()) {
            onStreamRestart();
        }
    }

    final void onProducerPaused() {
        producerPaused = true;
        onStreamStopped();
    }

    final void onProducerResumed() {
        producerPaused = false;
        if (active()) {
            onStreamRestart();
        }
    }

    ConsumerDump dump() {
        return new ConsumerDump(id, producer.id(), transport.id(), type(), paused, producerPaused, priority,
                dumpedPreferredLayers(), dumpedTargetLayers(), dumpedCurrentLayers());
    }

    ConsumerStatsSnapshot stats(long nowMs) {
        long packetsSent = 0;
        long bytesSent = 0;
        for (ConsumerSendStream each : sendStreams()) {
            packetsSent += each.packetsSent();
            bytesSent += each.bytesSent();
        }
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            if (drops[reason.ordinal()] > 0) {
                dropped.put(reason.statsName(), drops[reason.ordinal()]);
            }
        }
        return new ConsumerStatsSnapshot(id, nowMs, packetsSent, bytesSent, keyFrameRequestsReceived,
                dropped, RtpStreamStatsWriter.outbound(this, nowMs, clock.monotonicMillis()), dumpedCurrentLayers());
    }
}
