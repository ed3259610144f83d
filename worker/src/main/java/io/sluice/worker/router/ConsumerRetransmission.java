package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.ortc.CodecMatcher;
import io.sluice.worker.router.ortc.CodecParameters;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.Rtx;
import io.sluice.worker.rtp.nack.RetransmissionBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A consumer's answer to generic NACKs (RFC 4585 §6.2.1) from its receiver, as mediasoup's
 * RtpStreamSend does: what the consumer sends is kept in a {@link RetransmissionBuffer}, and each
 * sequence number a NACK names is sent again, as RTX (RFC 4588 §4: the consumer's RTX SSRC and
 * payload type, RTX sequence numbers of its own, the original sequence number before the payload)
 * when the consumer negotiated RTX for the codec, else as the original packet. Each resend is a
 * fresh pooled buffer with room for SRTP, given to the transport. Runs on the router's loop.
 */
final class ConsumerRetransmission {

    private final MediaTransport transport;
    private final ByteBufAllocator allocator;
    private final RetransmissionBuffer buffer;
    private final RtpPacket stored = new RtpPacket();
    /** RTX payload type by media payload type, -1 when that codec has no RTX. */
    private final int[] rtxPayloadTypes = new int[128];
    private final long rtxSsrc;
    private int rtxSequenceNumber;
    private long nackedPackets;
    private long retransmittedPackets;
    private long unavailablePackets;

    ConsumerRetransmission(MediaTransport transport, ByteBufAllocator allocator, RtpParameters parameters) {
        this.transport = transport;
        this.allocator = allocator;
        this.buffer = new RetransmissionBuffer(allocator);
        Arrays.fill(rtxPayloadTypes, -1);
        for (RtpCodecParameters codec : parameters.getCodecsList()) {
            if (CodecMatcher.isRtx(codec.getMimeType())) {
                long apt = CodecParameters.intValue(codec.getParametersMap(), CodecParameters.APT).orElse(-1);
                if (apt >= 0 && apt < 128) {
                    rtxPayloadTypes[(int) apt] = codec.getPayloadType();
                }
            }
        }
        var encoding = parameters.getEncodings(0);
        this.rtxSsrc = encoding.hasRtx() ? Integer.toUnsignedLong(encoding.getRtx().getSsrc()) : -1;
        // RFC 3550 §5.1: the initial sequence number of a stream should be random.
        this.rtxSequenceNumber = ThreadLocalRandom.current().nextInt(1 << 16);
    }

    /** Whether the receiver asked for NACK on the consumer's first codec (RFC 4585 §4.2). */
    static boolean negotiated(RtpParameters parameters) {
        return parameters.getCodecsCount() > 0 && parameters.getCodecs(0).getRtcpFeedbackList().stream()
                .anyMatch(feedback -> feedback.getType().equals("nack") && feedback.getParameter().isEmpty());
    }

    /** The consumer sent {@code packet} (rewritten, not yet protected); a copy is kept. */
    void onSent(ByteBuf packet, int sequenceNumber, long nowMs) {
        buffer.store(packet, packet.readerIndex(), packet.readableBytes(), sequenceNumber, nowMs);
    }

    /**
     * The FCI of a generic NACK naming this consumer's SSRC, {@code fciStart} to {@code fciEnd} in
     * {@code rtcp}: each {@code PID | BLP} word names PID and, for each bit i of BLP set, PID + i + 1.
     */
    void onNack(ByteBuf rtcp, int fciStart, int fciEnd, long nowMs) {
        for (int word = fciStart; word + 4 <= fciEnd; word += 4) {
            int packetId = rtcp.getUnsignedShort(word);
            int lostBitmask = rtcp.getUnsignedShort(word + 2);
            resend(packetId, nowMs);
            for (int bit = 0; bit < 16; bit++) {
                if ((lostBitmask & (1 << bit)) != 0) {
                    resend((packetId + bit + 1) & 0xFFFF, nowMs);
                }
            }
        }
    }

    private void resend(int sequenceNumber, long nowMs) {
        nackedPackets++;
        ByteBuf packet = buffer.takeForResend(sequenceNumber, nowMs);
        if (packet == null || !stored.wrap(packet)) {
            unavailablePackets++;
            return;
        }
        int rtxPayloadType = rtxSsrc < 0 ? -1 : rtxPayloadTypes[stored.payloadType()];
        ByteBuf out;
        if (rtxPayloadType >= 0) {
            out = allocator.directBuffer(Rtx.rtxLength(stored) + transport.srtpOverhead());
            Rtx.writeRtx(stored, out, rtxPayloadType, rtxSsrc, rtxSequenceNumber);
            rtxSequenceNumber = (rtxSequenceNumber + 1) & 0xFFFF;
        } else {
            out = allocator.directBuffer(stored.length() + transport.srtpOverhead());
            out.writeBytes(packet, stored.offset(), stored.length());
        }
        retransmittedPackets++;
        transport.sendRtp(out);
    }

    long nackedPackets() {
        return nackedPackets;
    }

    long retransmittedPackets() {
        return retransmittedPackets;
    }

    long unavailablePackets() {
        return unavailablePackets;
    }

    /** Releases every kept packet. */
    void close() {
        buffer.close();
    }
}
