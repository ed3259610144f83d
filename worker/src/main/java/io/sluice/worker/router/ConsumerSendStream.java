package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.stats.RtpSendStreamStats;
import io.sluice.worker.rtp.RtpExtensionInserter;
import io.sluice.worker.rtp.RtpPacket;
import java.util.Arrays;

/**
 * The one RTP stream a consumer sends (mediasoup's RtpStreamSend), whatever chooses its packets:
 * each forwarded packet is copied into a pooled buffer of its own, sized for the packet plus the
 * transport's SRTP overhead, rewritten to the stream's SSRC, payload type and header extension
 * ids and to the sequence number and timestamp the consumer computed, remembered for
 * retransmission when the receiver negotiated NACK ({@link ConsumerRetransmission}: a handle on the
 * producer's shared copy, or a copy of its own when the payload was rewritten), counted, numbered
 * with the transport's next transport-wide sequence number when the receiver negotiated
 * transport-wide-cc (the element added in place when the producer's packet has none), and handed
 * (with ownership) to the transport. Runs on the router's loop.
 */
final class ConsumerSendStream implements ConsumerRetransmission.HeaderRewriter {

    /** What {@link #send} did with a packet. */
    enum Result {
        SENT, UNSUPPORTED_PAYLOAD_TYPE, MALFORMED
    }

    /** A consumer's last touch on the outgoing copy before it is sent (a payload descriptor rewrite). */
    @FunctionalInterface
    interface PayloadRewrite {
        void rewrite(RtpPacket outgoing);
    }

    private final MediaTransport transport;
    private final ByteBufAllocator allocator;
    private final long ssrc;
    private final int clockRate;
    /** This stream's payload type by the router's, -1 for codecs the endpoint cannot receive. */
    private final int[] payloadTypes = new int[128];
    /** This stream's header extension id by the router's, 0 to remove. */
    private final byte[] extensionIds = new byte[256];
    /** draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: a 16-bit number. */
    private static final int TRANSPORT_WIDE_SEQUENCE_LENGTH = 2;
    /** This stream's id of the transport-wide sequence number extension, 0 when not negotiated. */
    private final int transportWideSequenceId;
    private final RtpPacket outgoing = new RtpPacket();
    private final RtpExtensionInserter extensionInserter = new RtpExtensionInserter();
    /** Answers the receiver's NACKs; null when it did not negotiate generic NACK. */
    private final ConsumerRetransmission retransmission;
    private final RtpSendStreamStats stats;
    private boolean sentAny;
    private int lastSequenceNumber;
    private long lastTimestamp;
    private long lastSentAtMs;
    private long packetsSent;
    private long bytesSent;

    /** {@code producer}: whose packets the stream forwards, in the router's terms (its consumable parameters). */
    ConsumerSendStream(MediaTransport transport, ByteBufAllocator allocator, RtpParameters rtpParameters,
            Producer producer) {
        RtpParameters routerParameters = producer.consumableRtpParameters();
        this.transport = transport;
        this.allocator = allocator;
        this.ssrc = Integer.toUnsignedLong(rtpParameters.encodings().get(0).ssrc());
        this.clockRate = rtpParameters.codecs().get(0).clockRate();
        this.retransmission = ConsumerRetransmission.negotiated(rtpParameters)
                ? new ConsumerRetransmission(transport, allocator, rtpParameters, producer, this) : null;
        this.stats = new RtpSendStreamStats(clockRate);
        Arrays.fill(payloadTypes, -1);
        for (RtpCodecParameters codec : rtpParameters.codecs()) {
            // Consumer codecs keep the router's payload types (ConsumerNegotiation).
            payloadTypes[codec.payloadType()] = codec.payloadType();
        }
        int transportWide = 0;
        for (RtpHeaderExtensionParameters own : rtpParameters.headerExtensions()) {
            if (own.uri().equals(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01)) {
                transportWide = own.id();
            }
        }
        this.transportWideSequenceId = transportWide;
        for (RtpHeaderExtensionParameters routerExtension : routerParameters.headerExtensions()) {
            for (RtpHeaderExtensionParameters own : rtpParameters.headerExtensions()) {
                if (own.uri().equals(routerExtension.uri())) {
                    extensionIds[routerExtension.id()] = (byte) own.id();
                }
            }
        }
    }

    /** The SSRC this stream sends with (unsigned). */
    long ssrc() {
        return ssrc;
    }

    int clockRate() {
        return clockRate;
    }

    /** Whether the receiving endpoint can decode the router's payload type {@code payloadType}. */
    boolean supportsPayloadType(int payloadType) {
        return payloadTypes[payloadType] >= 0;
    }

    /**
     * Sends {@code packet} (the producer's, in the router's terms; the caller keeps its buffer) as
     * this stream's {@code sequenceNumber} and {@code timestamp}; {@code rewrite}, when not null,
     * touches the copy last (its payload is the consumer's own).
     */
    Result send(RtpPacket packet, int sequenceNumber, long timestamp, long nowMs, PayloadRewrite rewrite) {
        if (payloadTypes[packet.payloadType()] < 0) {
            return Result.UNSUPPORTED_PAYLOAD_TYPE;
        }
        int length = packet.length();
        ByteBuf copy = allocator.directBuffer(length + RtpExtensionInserter.MAX_GROWTH + transport.srtpOverhead());
        copy.writeBytes(packet.buffer(), packet.offset(), length);
        if (!outgoing.wrap(copy)) {
            copy.release();
            return Result.MALFORMED;
        }
        rewriteHeader(outgoing, sequenceNumber, timestamp);
        if (rewrite != null) {
            rewrite.rewrite(outgoing);
        }
        if (!sentAny || isNewer(sequenceNumber, lastSequenceNumber)) {
            lastSequenceNumber = sequenceNumber;
            lastTimestamp = timestamp;
            lastSentAtMs = nowMs;
        }
        sentAny = true;
        packetsSent++;
        bytesSent += length;
        if (retransmission != null) {
            retransmission.onSent(packet, copy, sequenceNumber, timestamp, rewrite != null, nowMs);
        }
        stats.onPacketSent(timestamp, outgoing.payloadLength(), length, nowMs);
        stampTransportWideSequence(outgoing);
        transport.sendRtp(copy);
        return Result.SENT;
    }

    /**
     * This stream's header on {@code packet}, a copy of the producer's (router's terms): its SSRC,
     * payload type and header extension ids, {@code sequenceNumber} and {@code timestamp}.
     * Returns false when the endpoint cannot receive the packet's payload type.
     */
    @Override
    public boolean rewriteHeader(RtpPacket packet, int sequenceNumber, long timestamp) {
        int payloadType = payloadTypes[packet.payloadType()];
        if (payloadType < 0) {
            return false;
        }
        packet.setSsrc(ssrc);
        packet.setPayloadType(payloadType);
        packet.setSequenceNumber(sequenceNumber);
        packet.setTimestamp(timestamp);
        if (packet.hasHeaderExtension()) {
            packet.remapExtensionIds(extensionIds);
        }
        return true;
    }

    /**
     * draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: when the endpoint negotiated the
     * transport-wide sequence number, each packet the transport sends carries the transport's
     * next one, recorded with its size for the bandwidth estimation. It is written into the
     * element the packet carries (the producer's sender's, now under this stream's id), or into
     * one added in place (audio from Chromium, ffmpeg and plain-transport producers carry none);
     * {@code packet}'s buffer has {@link RtpExtensionInserter#MAX_GROWTH} bytes to spare besides
     * SRTP's.
     */
    @Override
    public void stampTransportWideSequence(RtpPacket packet) {
        if (transportWideSequenceId == 0) {
            return;
        }
        boolean carried = packet.hasExtension(transportWideSequenceId)
                ? packet.extensionLength(transportWideSequenceId) == TRANSPORT_WIDE_SEQUENCE_LENGTH
                : extensionInserter.insert(packet, transportWideSequenceId, TRANSPORT_WIDE_SEQUENCE_LENGTH,
                        transport.srtpOverhead()) >= 0;
        if (carried) {
            packet.setTransportWideSequenceNumber(transportWideSequenceId,
                    transport.bandwidthEstimator().sendPacket(packet.length()));
        }
    }

    /** RFC 3550 §A.1: sequence numbers compare modulo 2^16. */
    static boolean isNewer(int sequenceNumber, int than) {
        int delta = (sequenceNumber - than) & 0xFFFF;
        return delta != 0 && delta < 0x8000;
    }

    boolean sentAny() {
        return sentAny;
    }

    /** The highest sequence number sent (valid once {@link #sentAny()}). */
    int lastSequenceNumber() {
        return lastSequenceNumber;
    }

    /** The timestamp of the highest sequence number sent. */
    long lastTimestamp() {
        return lastTimestamp;
    }

    /** When the highest sequence number was sent, on the media clock. */
    long lastSentAtMs() {
        return lastSentAtMs;
    }

    long packetsSent() {
        return packetsSent;
    }

    long bytesSent() {
        return bytesSent;
    }

    RtpSendStreamStats stats() {
        return stats;
    }

    /** The generic NACK at {@code offset} in {@code rtcp}, naming this stream's SSRC in its {@code items} FCI items. */
    void onNack(ByteBuf rtcp, int offset, int items, long nowMs) {
        if (retransmission != null) {
            retransmission.onNack(rtcp, offset, items, nowMs);
        }
    }

    /** The receiver's round-trip time, from its reports: a packet is resent at most once per RTT. */
    void setRoundTripTimeMs(long rttMs) {
        if (retransmission != null) {
            retransmission.setMinResendIntervalMs(rttMs);
        }
    }

    /** Packets resent in answer to NACKs (RTX or original); 0 without NACK. */
    long retransmittedPackets() {
        return retransmission == null ? 0 : retransmission.retransmittedPackets();
    }

    ConsumerRetransmission retransmission() {
        return retransmission;
    }

    /** The packets kept for retransmission are released. */
    void close() {
        if (retransmission != null) {
            retransmission.close();
        }
    }
}
