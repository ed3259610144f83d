package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.ortc.CodecMatcher;
import io.sluice.worker.router.ortc.CodecParameters;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.Rtx;
import io.sluice.worker.rtp.nack.NackGenerator;
import io.sluice.worker.time.Clock;
import java.util.Arrays;

/**
 * Loss repair on a producer's receive streams (mediasoup's RtpStreamRecv): a {@link NackGenerator}
 * per stream when the sender offered generic NACK (RFC 4585 §4.2 {@code a=rtcp-fb:* nack}), whose
 * requests go back to the sender's transport as RTCP; and RTX packets (RFC 4588 §4) from the
 * encodings' RTX SSRCs turned back into their original in place, so consumers get the repaired
 * packet as part of the stream. A retransmission nobody asked for (the original arrived after
 * all) is dropped, so consumers see each sequence number once. Runs on the router's loop.
 */
final class ProducerLossRepair {

    /** {@link #restoreRtx}: the packet is not RTX of this producer. */
    static final int NOT_RTX = -1;
    /** {@link #restoreRtx}: RTX of this producer that cannot be restored (no OSN, unknown stream or payload type). */
    static final int UNUSABLE_RTX = -2;
    /** Lost sequence numbers per NACK packet: at most this many FCI words, well under an MTU. */
    private static final int MAX_LOST_PER_NACK = 200;

    private final MediaTransport transport;
    private final ByteBufAllocator allocator;
    private final long[] streamSsrcs;
    private final long[] rtxSsrcs;
    /** Original payload type by RTX payload type (the RTX codec's apt), -1 for none. */
    private final int[] associatedPayloadTypes = new int[128];
    /** One per stream, null when the sender did not offer NACK. */
    private final NackGenerator[] nackGenerators;
    // Per stream, as RtpStreamStats reports them (mediasoup's RtpStreamRecv counters).
    private final long[] rtxPacketsReceived;
    private final long[] packetsRepaired;
    private final long[] nacksSent;
    private final long[] nackedPackets;

    /**
     * {@code streamSsrcs} is the producer's own array (entries learned later, from rids, show
     * through); {@code keyFrameRequester} asks the sender for a key frame when loss is too heavy.
     */
    ProducerLossRepair(MediaTransport transport, ByteBufAllocator allocator, RtpParameters parameters,
            long[] streamSsrcs, long[] rtxSsrcs, Clock clock, Runnable keyFrameRequester) {
        this.transport = transport;
        this.allocator = allocator;
        this.streamSsrcs = streamSsrcs;
        this.rtxSsrcs = rtxSsrcs;
        Arrays.fill(associatedPayloadTypes, -1);
        for (RtpCodecParameters codec : parameters.getCodecsList()) {
            if (CodecMatcher.isRtx(codec.getMimeType())) {
                long apt = CodecParameters.intValue(codec.getParametersMap(), CodecParameters.APT).orElse(-1);
                if (apt >= 0 && apt < 128) {
                    associatedPayloadTypes[codec.getPayloadType()] = (int) apt;
                }
            }
        }
        rtxPacketsReceived = new long[streamSsrcs.length];
        packetsRepaired = new long[streamSsrcs.length];
        nacksSent = new long[streamSsrcs.length];
        nackedPackets = new long[streamSsrcs.length];
        boolean nack = ConsumerRetransmission.negotiated(parameters);
        nackGenerators = new NackGenerator[streamSsrcs.length];
        for (int i = 0; nack && i < streamSsrcs.length; i++) {
            int stream = i;
            nackGenerators[i] = new NackGenerator(clock, new NackGenerator.Listener() {
                @Override
                public void onNackRequired(int[] sequenceNumbers, int count) {
                    sendNack(stream, sequenceNumbers, count);
                }

                @Override
                public void onKeyFrameRequired() {
                    keyFrameRequester.run();
                }
            });
        }
    }

    /**
     * If {@code packet} comes from one of the encodings' RTX SSRCs, restores the original in place
     * ({@link Rtx#restoreInPlace}) and returns the index of its stream; else {@link #NOT_RTX} or
     * {@link #UNUSABLE_RTX}.
     */
    int restoreRtx(RtpPacket packet) {
        long ssrc = packet.ssrc();
        for (int i = 0; i < rtxSsrcs.length; i++) {
            if (rtxSsrcs[i] != ssrc) {
                continue;
            }
            rtxPacketsReceived[i]++;
            int originalPayloadType = associatedPayloadTypes[packet.payloadType()];
            if (originalPayloadType < 0 || streamSsrcs[i] < 0
                    || !Rtx.restoreInPlace(packet, originalPayloadType, streamSsrcs[i])) {
                return UNUSABLE_RTX;
            }
            return i;
        }
        return NOT_RTX;
    }

    /**
     * A packet of {@code stream} (restored from RTX when {@code fromRtx}). Returns false when it
     * should be dropped: a retransmission of a packet that was not missing.
     */
    boolean onPacket(int stream, int sequenceNumber, boolean fromRtx) {
        NackGenerator generator = nackGenerators[stream];
        if (generator == null) {
            return true;
        }
        boolean wasMissing = generator.receive(sequenceNumber, false);
        if (fromRtx && !wasMissing) {
            return false;
        }
        if (wasMissing) {
            packetsRepaired[stream]++;
        }
        return true;
    }

    /** Sends the NACK retries that are due even when no packet arrives. */
    void onTimer() {
        for (NackGenerator generator : nackGenerators) {
            if (generator != null) {
                generator.onTimer();
            }
        }
    }

    private void sendNack(int stream, int[] sequenceNumbers, int count) {
        for (int from = 0; from < count; from += MAX_LOST_PER_NACK) {
            int[] lost = Arrays.copyOfRange(sequenceNumbers, from, Math.min(count, from + MAX_LOST_PER_NACK));
            // RFC 4585 §6.1: the media source is the SSRC the sender sends the stream with.
            FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(0, streamSsrcs[stream], lost);
            ByteBuf packet = allocator.directBuffer(nack.serializedLength() + transport.srtpOverhead());
            nack.writeTo(packet);
            nacksSent[stream]++;
            transport.loopCounters().nackSent();
            nackedPackets[stream] += lost.length;
            transport.sendRtcp(packet);
        }
    }

    /**
     * The round-trip time to the sender, when known: NACK retries for one packet come no faster
     * than this (RFC 4585 §3.2: a repair takes at least an RTT).
     */
    void setRttMs(long rttMs) {
        for (NackGenerator generator : nackGenerators) {
            if (generator != null) {
                generator.setRttMs(rttMs);
            }
        }
    }

    /** RTX packets received for {@code stream} (restorable or not). */
    long rtxPacketsReceived(int stream) {
        return rtxPacketsReceived[stream];
    }

    /** Missing packets of {@code stream} that arrived after all (late or by RTX). */
    long packetsRepaired(int stream) {
        return packetsRepaired[stream];
    }

    /** Missing packets of all streams that arrived after all. */
    long packetsRepaired() {
        long total = 0;
        for (long repaired : packetsRepaired) {
            total += repaired;
        }
        return total;
    }

    /** NACK packets sent about {@code stream}. */
    long nacksSent(int stream) {
        return nacksSent[stream];
    }

    /** Sequence numbers of {@code stream} those NACKs asked for. */
    long nackedPackets(int stream) {
        return nackedPackets[stream];
    }
}
