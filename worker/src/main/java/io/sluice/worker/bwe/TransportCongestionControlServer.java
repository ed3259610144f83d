package io.sluice.worker.bwe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.rtcp.FeedbackRtpTransport;
import io.sluice.worker.rtcp.FeedbackRtpTransportBuilder;

/**
 * Transport-wide congestion control feedback to a sending endpoint (mediasoup's
 * TransportCongestionControlServer, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1):
 * the arrival time of each packet carrying the transport-wide sequence number extension, reported
 * back every {@link #FEEDBACK_INTERVAL_MS}. A browser's bandwidth estimate grows only with this
 * feedback; without it Chromium stays near its start bitrate and sends only its lowest simulcast
 * encoding. Arrivals are kept in order of their (unwrapped) sequence numbers; one that comes after
 * its feedback was sent is left out (the sender counted it lost). Runs on the router's loop;
 * nothing is allocated per packet.
 */
public final class TransportCongestionControlServer {

    public static final long FEEDBACK_INTERVAL_MS = 100;
    /** Arrivals kept between two feedback packets: far more than 100 ms of any browser's packets. */
    private static final int CAPACITY = 2048;
    /** Below a typical MTU with room for SRTCP. */
    private static final int MAX_FEEDBACK_LENGTH = 1100;

    private final RtcpSender transport;
    private final ByteBufAllocator allocator;
    private final long senderSsrc;
    private final FeedbackRtpTransportBuilder builder = new FeedbackRtpTransportBuilder(MAX_FEEDBACK_LENGTH);
    private final long[] sequenceNumbers = new long[CAPACITY];
    private final long[] arrivalMicros = new long[CAPACITY];
    private int count;
    private long highestSequenceNumber = -1;
    /** Sequence numbers up to this one were reported; later arrivals at or below it are left out. */
    private long reportedUpTo = -1;
    private long mediaSsrc;
    private int feedbackPacketCount;
    private long lastFeedbackMs = Long.MIN_VALUE;
    private long feedbackPacketsSent;

    /** @param senderSsrc the SSRC our RTCP is sent from */
    public TransportCongestionControlServer(RtcpSender transport, ByteBufAllocator allocator, long senderSsrc) {
        this.transport = transport;
        this.allocator = allocator;
        this.senderSsrc = senderSsrc;
    }

    /** A packet of media SSRC {@code ssrc} with transport-wide sequence number {@code sequenceNumber} arrived. */
    public void onPacket(int sequenceNumber, long ssrc, long nowMicros) {
        long unwrapped = unwrap(sequenceNumber);
        mediaSsrc = ssrc;
        if (unwrapped <= reportedUpTo || count == CAPACITY) {
            return;
        }
        int at = count;
        while (at > 0 && sequenceNumbers[at - 1] > unwrapped) {
            sequenceNumbers[at] = sequenceNumbers[at - 1];
            arrivalMicros[at] = arrivalMicros[at - 1];
            at--;
        }
        if (at > 0 && sequenceNumbers[at - 1] == unwrapped) {
            // A duplicate: undo the shift.
            System.arraycopy(sequenceNumbers, at + 1, sequenceNumbers, at, count - at);
            System.arraycopy(arrivalMicros, at + 1, arrivalMicros, at, count - at);
            return;
        }
        sequenceNumbers[at] = unwrapped;
        arrivalMicros[at] = nowMicros;
        count++;
    }

    /** RFC 3550 §A.1: the 16-bit number placed in the cycle nearest to the highest seen. */
    private long unwrap(int sequenceNumber) {
        if (highestSequenceNumber < 0) {
            highestSequenceNumber = sequenceNumber;
            return sequenceNumber;
        }
        long candidate = (highestSequenceNumber & ~0xFFFFL) | sequenceNumber;
        if (candidate - highestSequenceNumber > 0x8000) {
            candidate -= 0x10000;
        } else if (highestSequenceNumber - candidate > 0x8000) {
            candidate += 0x10000;
        }
        if (candidate > highestSequenceNumber) {
            highestSequenceNumber = candidate;
        }
        return candidate;
    }

    /** Sends the feedback due: every {@link #FEEDBACK_INTERVAL_MS} while packets arrive. */
    public void onTimer(long nowMs) {
        if (count == 0 || lastFeedbackMs != Long.MIN_VALUE && nowMs - lastFeedbackMs < FEEDBACK_INTERVAL_MS) {
            return;
        }
        lastFeedbackMs = nowMs;
        builder.reset(senderSsrc, mediaSsrc, feedbackPacketCount);
        for (int i = 0; i < count; i++) {
            if (!builder.addReceived((int) sequenceNumbers[i], arrivalMicros[i])) {
                send();
                builder.reset(senderSsrc, mediaSsrc, feedbackPacketCount);
                builder.addReceived((int) sequenceNumbers[i], arrivalMicros[i]);
            }
        }
        send();
        reportedUpTo = sequenceNumbers[count - 1];
        count = 0;
    }

    private void send() {
        if (builder.isEmpty()) {
            return;
        }
        FeedbackRtpTransport feedback = builder.build();
        ByteBuf packet = allocator.directBuffer(feedback.serializedLength() + transport.srtpOverhead());
        feedback.writeTo(packet);
        feedbackPacketCount = (feedbackPacketCount + 1) & 0xFF;
        feedbackPacketsSent++;
        transport.sendRtcp(packet);
    }

    public long feedbackPacketsSent() {
        return feedbackPacketsSent;
    }
}
