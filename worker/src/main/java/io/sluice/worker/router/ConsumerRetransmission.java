package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.ortc.CodecMatcher;
import io.sluice.worker.router.ortc.CodecParameters;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtp.RtpExtensionInserter;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.Rtx;
import io.sluice.worker.rtp.nack.RetransmissionBuffer;
import io.sluice.worker.rtp.nack.SharedPacketStore;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntConsumer;

/**
 * A consumer's answer to generic NACKs (RFC 4585 §6.2.1) from its receiver, as mediasoup's
 * RtpStreamSend does: each sequence number a NACK names is sent again, as RTX (RFC 4588 §4: the
 * consumer's RTX SSRC and payload type, RTX sequence numbers of its own, the original sequence
 * number before the payload) when the consumer negotiated RTX for the codec, else as the original
 * packet. Each resend is a fresh pooled buffer with room for SRTP, given to the transport.
 *
 * <p>What it resends from: a packet the consumer forwarded unchanged but for its header is kept
 * once for all consumers, in the producer's {@link SharedPacketStore}; here only an index by the
 * consumer's own sequence number remembers its handle, the producer's sequence number and the
 * consumer's timestamp, and a resend copies the shared packet and rewrites its header again
 * ({@link HeaderRewriter}); each resend takes the transport's next transport-wide sequence number
 * like any packet sent. A packet whose payload the consumer changed (a layered consumer's
 * {@link ConsumerSendStream.PayloadRewrite}) is kept as sent in a {@link RetransmissionBuffer} of
 * this consumer's own. Runs on the router's loop.
 */
final class ConsumerRetransmission {

    /** The consumer's header on what it sends (its send stream). */
    interface HeaderRewriter {
        /**
         * Its SSRC, payload type, extension ids, sequence number and timestamp on a copy of the
         * producer's packet; false when the packet cannot be sent by this consumer.
         */
        boolean rewriteHeader(RtpPacket packet, int sequenceNumber, long timestamp);

        /**
         * The transport's next transport-wide sequence number, when negotiated; the packet's buffer
         * has {@link RtpExtensionInserter#MAX_GROWTH} bytes to spare besides SRTP's.
         */
        void stampTransportWideSequence(RtpPacket packet);
    }

    private static final int CAPACITY = RetransmissionBuffer.DEFAULT_CAPACITY;
    private static final int MASK = CAPACITY - 1;
    private static final long MAX_AGE_MS = RetransmissionBuffer.DEFAULT_MAX_AGE_MS;

    private final MediaTransport transport;
    private final ByteBufAllocator allocator;
    private final Producer producer;
    private final SharedPacketStore shared;
    private final HeaderRewriter headerRewriter;
    private final RtpPacket stored = new RtpPacket();
    /** RTX payload type by media payload type, -1 when that codec has no RTX. */
    private final int[] rtxPayloadTypes = new int[128];
    private final long rtxSsrc;
    // The index by the consumer's sequence number (low bits): what was sent with it.
    private final int[] sequenceNumbers = new int[CAPACITY];
    /** Handle in the shared store; NO_HANDLE when the packet is in {@link #own} (or the slot is empty). */
    private final long[] handles = new long[CAPACITY];
    private final int[] producerSequenceNumbers = new int[CAPACITY];
    private final int[] timestamps = new int[CAPACITY];
    private final long[] sentAtMs = new long[CAPACITY];
    private final long[] resentAtMs = new long[CAPACITY];
    /** Copies of packets whose payload this consumer rewrote; created with the first. */
    private RetransmissionBuffer own;
    private long minResendIntervalMs = RetransmissionBuffer.DEFAULT_MIN_RESEND_INTERVAL_MS;
    private int rtxSequenceNumber;
    /** The time of the NACK being answered, for {@link #resendLost}. */
    private long nackNowMs;
    /** Made once: answering a NACK allocates nothing. */
    private final IntConsumer resendLost = sequenceNumber -> resend(sequenceNumber, nackNowMs);
    private long nackCount;
    private long nackedPackets;
    private long retransmittedPackets;
    private long repairedPackets;
    private long unavailablePackets;
    private boolean closed;

    ConsumerRetransmission(MediaTransport transport, ByteBufAllocator allocator, RtpParameters parameters,
            Producer producer, HeaderRewriter headerRewriter) {
        this.transport = transport;
        this.allocator = allocator;
        this.producer = producer;
        this.shared = producer.acquirePacketStore();
        this.headerRewriter = headerRewriter;
        Arrays.fill(sequenceNumbers, -1);
        Arrays.fill(rtxPayloadTypes, -1);
        for (RtpCodecParameters codec : parameters.codecs()) {
            if (CodecMatcher.isRtx(codec.mimeType())) {
                long apt = CodecParameters.intValue(codec.parameters(), CodecParameters.APT).orElse(-1);
                if (apt >= 0 && apt < 128) {
                    rtxPayloadTypes[(int) apt] = codec.payloadType();
                }
            }
        }
        var encoding = parameters.encodings().get(0);
        this.rtxSsrc = encoding.hasRtx() ? Integer.toUnsignedLong(encoding.rtx().ssrc()) : -1;
        // RFC 3550 §5.1: the initial sequence number of a stream should be random.
        this.rtxSequenceNumber = ThreadLocalRandom.current().nextInt(1 << 16);
    }

    /** Whether the receiver asked for NACK on the consumer's first codec (RFC 4585 §4.2). */
    static boolean negotiated(RtpParameters parameters) {
        return parameters.codecs().size() > 0 && parameters.codecs().get(0).rtcpFeedback().stream()
                .anyMatch(feedback -> feedback.type().equals("nack") && feedback.parameter().isEmpty());
    }

    /**
     * The consumer forwarded {@code source} (the producer's packet in the router's terms) as its
     * {@code sequenceNumber} and {@code timestamp}; {@code sent} is what it sent (rewritten, not yet
     * protected). When {@code payloadRewritten}, {@code sent} is kept as it is; otherwise only
     * its handle in the shared store.
     */
    void onSent(RtpPacket source, ByteBuf sent, int sequenceNumber, long timestamp, boolean payloadRewritten,
            long nowMs) {
        if (closed) {
            return;
        }
        int slot = sequenceNumber & MASK;
        long handle = payloadRewritten ? SharedPacketStore.NO_HANDLE
                : shared.storeOnce(source.buffer(), source.offset(), source.length(), source.ssrc(),
                        source.sequenceNumber(), nowMs);
        sequenceNumbers[slot] = sequenceNumber & 0xFFFF;
        handles[slot] = handle;
        resentAtMs[slot] = Long.MIN_VALUE;
        sentAtMs[slot] = nowMs;
        if (handle == SharedPacketStore.NO_HANDLE) {
            if (own == null) {
                own = new RetransmissionBuffer(allocator);
                own.setMinResendIntervalMs(minResendIntervalMs);
            }
            own.store(sent, sent.readerIndex(), sent.readableBytes(), sequenceNumber, nowMs);
        } else {
            producerSequenceNumbers[slot] = source.sequenceNumber();
            timestamps[slot] = (int) timestamp;
        }
    }

    /**
     * The generic NACK at {@code offset} in {@code rtcp}, naming this consumer's SSRC in its
     * {@code items} FCI items: each sequence number they report lost is sent again.
     */
    void onNack(ByteBuf rtcp, int offset, int items, long nowMs) {
        nackCount++;
        nackNowMs = nowMs;
        FeedbackRtpNack.forEachLost(rtcp, offset, items, resendLost);
    }

    private void resend(int sequenceNumber, long nowMs) {
        nackedPackets++;
        int slot = sequenceNumber & MASK;
        ByteBuf original;
        if (sequenceNumbers[slot] == sequenceNumber && handles[slot] != SharedPacketStore.NO_HANDLE) {
            original = rebuildShared(slot, sequenceNumber, nowMs);
        } else {
            original = copyOwn(slot, sequenceNumber, nowMs);
        }
        if (original == null) {
            unavailablePackets++;
            return;
        }
        int rtxPayloadType = rtxSsrc < 0 ? -1 : rtxPayloadTypes[stored.payloadType()];
        ByteBuf out = original;
        if (rtxPayloadType >= 0) {
            out = allocator.directBuffer(Rtx.rtxLength(stored) + RtpExtensionInserter.MAX_GROWTH
                    + transport.srtpOverhead());
            Rtx.writeRtx(stored, out, rtxPayloadType, rtxSsrc, rtxSequenceNumber);
            rtxSequenceNumber = (rtxSequenceNumber + 1) & 0xFFFF;
            original.release();
        }
        if (out != original) {
            stored.wrap(out);
        }
        headerRewriter.stampTransportWideSequence(stored);
        retransmittedPackets++;
        transport.loopCounters().retransmitted();
        transport.sendRtp(out);
    }

    /**
     * The consumer's packet rebuilt from the shared copy, viewed by {@link #stored}; null if gone
     * or resent too recently.
     */
    private ByteBuf rebuildShared(int slot, int sequenceNumber, long nowMs) {
        if (nowMs - sentAtMs[slot] > MAX_AGE_MS
                || resentAtMs[slot] != Long.MIN_VALUE && nowMs - resentAtMs[slot] < minResendIntervalMs) {
            return null;
        }
        ByteBuf source = shared.get(handles[slot], producerSequenceNumbers[slot], nowMs);
        if (source == null) {
            return null;
        }
        if (resentAtMs[slot] == Long.MIN_VALUE) {
            repairedPackets++;
        }
        resentAtMs[slot] = nowMs;
        ByteBuf copy = allocator.directBuffer(source.readableBytes() + RtpExtensionInserter.MAX_GROWTH
                + transport.srtpOverhead());
        copy.writeBytes(source, source.readerIndex(), source.readableBytes());
        if (!stored.wrap(copy)
                || !headerRewriter.rewriteHeader(stored, sequenceNumber, Integer.toUnsignedLong(timestamps[slot]))) {
            copy.release();
            return null;
        }
        return copy;
    }

    /**
     * A copy of the packet kept as sent, viewed by {@link #stored}; null if gone or resent too
     * recently.
     */
    private ByteBuf copyOwn(int slot, int sequenceNumber, long nowMs) {
        ByteBuf kept = own == null ? null : own.takeForResend(sequenceNumber, nowMs);
        if (kept == null) {
            return null;
        }
        if (sequenceNumbers[slot] == sequenceNumber) {
            if (resentAtMs[slot] == Long.MIN_VALUE) {
                repairedPackets++;
            }
            resentAtMs[slot] = nowMs;
        }
        ByteBuf copy = allocator.directBuffer(kept.readableBytes() + RtpExtensionInserter.MAX_GROWTH
                + transport.srtpOverhead());
        copy.writeBytes(kept, kept.readerIndex(), kept.readableBytes());
        if (!stored.wrap(copy)) {
            copy.release();
            return null;
        }
        return copy;
    }

    /**
     * The receiver's round-trip time, when known: a packet is resent at most once per RTT (its
     * NACK retries come that often; resending faster duplicates what is in flight).
     */
    void setMinResendIntervalMs(long intervalMs) {
        minResendIntervalMs = Math.max(0, intervalMs);
        if (own != null) {
            own.setMinResendIntervalMs(minResendIntervalMs);
        }
    }

    /** NACK packets received (RTCP feedback messages). */
    long nackCount() {
        return nackCount;
    }

    /** Sequence numbers the NACKs named. */
    long nackedPackets() {
        return nackedPackets;
    }

    long retransmittedPackets() {
        return retransmittedPackets;
    }

    /** Distinct packets resent (each counted at its first resend; mediasoup's packetsRepaired). */
    long repairedPackets() {
        return repairedPackets;
    }

    long unavailablePackets() {
        return unavailablePackets;
    }

    /** Releases the packets kept here and gives the shared store back to the producer. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (own != null) {
            own.close();
        }
        producer.releasePacketStore();
    }
}
