package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.api.v1.AppData;
import io.sluice.api.v1.ConsumerDumpResponse;
import io.sluice.api.v1.ConsumerStats;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.stats.RtpSendStreamStats;
import io.sluice.worker.rtp.RtpPacket;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A consumer of one single-stream producer (mediasoup's SimpleConsumer). Each forwarded packet is
 * copied into one pooled buffer of its own, sized for the packet plus the transport's SRTP
 * overhead, rewritten to this consumer's SSRC, payload type, header extension ids, sequence number
 * and timestamp, then handed (with ownership) to the transport. After a pause the sequence number
 * and timestamp offsets are recomputed on the first packet, so the receiver sees no gap
 * (RFC 3550 §5.1: sequence numbers increment by one per packet sent). Runs on the router's loop.
 */
public final class SimpleConsumer {

    enum DropReason {
        PAUSED, UNSUPPORTED_PAYLOAD_TYPE, MALFORMED;

        String statsName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String id;
    private final Producer producer;
    private final MediaTransport transport;
    private final RtpParameters rtpParameters;
    private final AppData appData;
    private final LongSupplier monotonicMillis;
    private final ByteBufAllocator allocator;
    private final long ssrc;
    private final int clockRate;
    /** This consumer's payload type by the router's, -1 for codecs the endpoint cannot receive. */
    private final int[] payloadTypes = new int[128];
    /** This consumer's header extension id by the router's, 0 to remove. */
    private final byte[] extensionIds = new byte[256];
    private final RtpPacket outgoing = new RtpPacket();
    /** Answers the receiver's NACKs; null when it did not negotiate generic NACK. */
    private final ConsumerRetransmission retransmission;
    private final long[] drops = new long[DropReason.values().length];
    private final RtpSendStreamStats sendStats;
    private boolean paused;
    private boolean producerPaused;
    private boolean syncRequired = true;
    private boolean sentAny;
    private int sequenceNumberOffset;
    private long timestampOffset;
    private int lastSequenceNumber;
    private long lastTimestamp;
    private long lastSentAtMs;
    private long packetsSent;
    private long bytesSent;
    private long keyFrameRequestsReceived;

    SimpleConsumer(String id, Producer producer, MediaTransport transport, RtpParameters rtpParameters,
            boolean paused, AppData appData, LongSupplier monotonicMillis, ByteBufAllocator allocator) {
        this.id = id;
        this.producer = producer;
        this.transport = transport;
        this.rtpParameters = rtpParameters;
        this.paused = paused;
        this.producerPaused = producer.paused();
        this.appData = appData;
        this.monotonicMillis = monotonicMillis;
        this.allocator = allocator;
        this.ssrc = Integer.toUnsignedLong(rtpParameters.getEncodings(0).getSsrc());
        this.clockRate = rtpParameters.getCodecs(0).getClockRate();
        this.retransmission = ConsumerRetransmission.negotiated(rtpParameters)
                ? new ConsumerRetransmission(transport, allocator, rtpParameters) : null;
        this.sendStats = new RtpSendStreamStats(clockRate);
        Arrays.fill(payloadTypes, -1);
        for (RtpCodecParameters codec : rtpParameters.getCodecsList()) {
            // Consumer codecs keep the router's payload types (ConsumerNegotiation).
            payloadTypes[codec.getPayloadType()] = codec.getPayloadType();
        }
        for (RtpHeaderExtensionParameters routerExtension : producer.consumableRtpParameters().getHeaderExtensionsList()) {
            for (RtpHeaderExtensionParameters own : rtpParameters.getHeaderExtensionsList()) {
                if (own.getUri().equals(routerExtension.getUri())) {
                    extensionIds[routerExtension.getId()] = (byte) own.getId();
                }
            }
        }
    }

    public String id() {
        return id;
    }

    public Producer producer() {
        return producer;
    }

    public MediaTransport transport() {
        return transport;
    }

    public MediaKind kind() {
        return producer.kind();
    }

    public RtpParameters rtpParameters() {
        return rtpParameters;
    }

    public boolean paused() {
        return paused;
    }

    public boolean producerPaused() {
        return producerPaused;
    }

    /** The SSRC this consumer sends with (unsigned). */
    long ssrc() {
        return ssrc;
    }

    /** One packet of the producer, already in the router's terms; the caller keeps its buffer. */
    void send(RtpPacket packet) {
        if (paused || producerPaused) {
            drops[DropReason.PAUSED.ordinal()]++;
            return;
        }
        int payloadType = payloadTypes[packet.payloadType()];
        if (payloadType < 0) {
            drops[DropReason.UNSUPPORTED_PAYLOAD_TYPE.ordinal()]++;
            return;
        }
        long now = monotonicMillis.getAsLong();
        if (syncRequired) {
            synchronize(packet, now);
        }
        int length = packet.length();
        ByteBuf copy = allocator.directBuffer(length + transport.srtpOverhead());
        copy.writeBytes(packet.buffer(), packet.offset(), length);
        if (!outgoing.wrap(copy)) {
            copy.release();
            drops[DropReason.MALFORMED.ordinal()]++;
            return;
        }
        int sequenceNumber = (packet.sequenceNumber() + sequenceNumberOffset) & 0xFFFF;
        long timestamp = (packet.timestamp() + timestampOffset) & 0xFFFFFFFFL;
        outgoing.setSsrc(ssrc);
        outgoing.setPayloadType(payloadType);
        outgoing.setSequenceNumber(sequenceNumber);
        outgoing.setTimestamp(timestamp);
        if (outgoing.hasHeaderExtension()) {
            outgoing.remapExtensionIds(extensionIds);
        }
        if (!sentAny || isNewer(sequenceNumber, lastSequenceNumber)) {
            lastSequenceNumber = sequenceNumber;
            lastTimestamp = timestamp;
            lastSentAtMs = now;
        }
        sentAny = true;
        packetsSent++;
        bytesSent += length;
        if (retransmission != null) {
            retransmission.onSent(copy, sequenceNumber, now);
        }
        sendStats.onPacketSent(timestamp, outgoing.payloadLength(), length, now);
        transport.sendRtp(copy);
    }

    /**
     * The first packet after creation keeps the producer's numbering; after a pause, the next
     * sequence number follows the last one sent and the timestamp advances by the wall time that
     * passed (at least one tick), so the receiver's jitter buffer sees a late frame, not a jump.
     */
    private void synchronize(RtpPacket packet, long now) {
        syncRequired = false;
        if (!sentAny) {
            return;
        }
        sequenceNumberOffset = (lastSequenceNumber + 1 - packet.sequenceNumber()) & 0xFFFF;
        long elapsedTicks = Math.max(1, (now - lastSentAtMs) * clockRate / 1000);
        timestampOffset = (lastTimestamp + elapsedTicks - packet.timestamp()) & 0xFFFFFFFFL;
    }

    /** RFC 3550 §A.1: sequence numbers compare modulo 2^16. */
    private static boolean isNewer(int sequenceNumber, int than) {
        int delta = (sequenceNumber - than) & 0xFFFF;
        return delta != 0 && delta < 0x8000;
    }

    RtpSendStreamStats sendStats() {
        return sendStats;
    }

    long keyFrameRequestsReceived() {
        return keyFrameRequestsReceived;
    }

    /** A PLI or FIR from the receiving endpoint: passed on to the producer (which throttles it). */
    void onKeyFrameRequested() {
        keyFrameRequestsReceived++;
        if (!paused && !producerPaused) {
            producer.requestKeyFrame();
        }
    }

    /** A generic NACK naming this consumer's SSRC: its FCI words from {@code fciStart} to {@code fciEnd}. */
    void onNack(ByteBuf rtcp, int fciStart, int fciEnd) {
        if (retransmission != null) {
            retransmission.onNack(rtcp, fciStart, fciEnd, monotonicMillis.getAsLong());
        }
    }

    /** Packets resent in answer to NACKs (RTX or original); 0 without NACK. */
    long retransmittedPackets() {
        return retransmission == null ? 0 : retransmission.retransmittedPackets();
    }

    /** The consumer is closed: the packets kept for retransmission are released. */
    void close() {
        if (retransmission != null) {
            retransmission.close();
        }
    }

    /** consumer.requestKeyFrame */
    public void requestKeyFrame() {
        producer.requestKeyFrame();
    }

    /** consumer.pause; returns whether it changed. */
    public boolean pause() {
        if (paused) {
            return false;
        }
        paused = true;
        return true;
    }

    /** consumer.resume: the next packet resynchronizes and a key frame is asked for at once. */
    public boolean resume() {
        if (!paused) {
            return false;
        }
        paused = false;
        restartStream();
        return true;
    }

    void onProducerPaused() {
        producerPaused = true;
    }

    void onProducerResumed() {
        producerPaused = false;
        restartStream();
    }

    private void restartStream() {
        if (!paused && !producerPaused) {
            syncRequired = true;
            producer.requestKeyFrame();
        }
    }

    ConsumerDumpResponse dump() {
        return ConsumerDumpResponse.newBuilder()
                .setConsumerId(id)
                .setProducerId(producer.id())
                .setTransportId(transport.id())
                .setKind(producer.kind())
                .setRtpParameters(rtpParameters)
                .setType("simple")
                .setPaused(paused)
                .setProducerPaused(producerPaused)
                .setAppData(appData)
                .build();
    }

    ConsumerStats stats(long nowMs) {
        ConsumerStats.Builder stats = ConsumerStats.newBuilder()
                .setConsumerId(id)
                .setTimestampMs(nowMs)
                .setPacketsSent(packetsSent)
                .setBytesSent(bytesSent)
                .setKeyFrameRequestsReceived(keyFrameRequestsReceived);
        for (DropReason reason : DropReason.values()) {
            if (drops[reason.ordinal()] > 0) {
                stats.putDroppedPackets(reason.statsName(), drops[reason.ordinal()]);
            }
        }
        return stats.addAllStreams(RtpStreamStatsWriter.outbound(this, nowMs, monotonicMillis.getAsLong())).build();
    }
}
