package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.sluice.worker.bwe.BitrateProber;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The padding that fills a transport's probe clusters (mediasoup's RtpProbationGenerator in
 * role): padding-only RTP packets on the probator stream, which mediasoup-client sets up on every
 * receive transport that consumes video (mid "probator", {@link #SSRC}; mediasoup sends it with
 * payload type {@link #PAYLOAD_TYPE}, the receiver never decodes it). Each packet carries the
 * transport's next transport-wide sequence number, so the receiver's feedback reports its
 * arrival and the {@link SendSideBandwidthEstimator} measures the cluster.
 *
 * <p>While the {@link BitrateProber} has a cluster, a pacing task runs every
 * {@link #PACING_INTERVAL_MICROS} on the transport's loop and sends what the prober says is due,
 * so that a cluster spreads over its duration rather than leaving as one burst (a burst has no
 * send span to measure). The task is started per probing episode and ends itself when the prober
 * is idle: no timer runs at steady state. Each packet is one pooled buffer, handed with ownership
 * to the transport; nothing else is allocated per packet.
 */
final class ProbatorStream {

    /** mediasoup-client's probator m-section (RtpProbationSsrc in mediasoup). */
    static final long SSRC = 1234;
    /** mediasoup's RtpProbationCodecPayloadType. */
    static final int PAYLOAD_TYPE = 127;
    static final long PACING_INTERVAL_MICROS = 1_000;
    /** RFC 3550 §5.1: the padding count is one octet, and counts itself. */
    static final int MAX_PADDING = 255;
    /** RFC 3550 §5.1 fixed header, then RFC 8285 §4.2 one-byte extensions: 0xBEDE, length 1 word, one 2-byte element and a pad byte. */
    static final int HEADER_LENGTH = 12 + 4 + 4;
    private static final int VERSION_PADDING_EXTENSION = 0b1011_0000;
    private static final int ONE_BYTE_PROFILE = 0xBEDE;
    private static final int TRANSPORT_WIDE_LENGTH = 2;
    /** RFC 3550 §5.1: video timestamps at 90 kHz. */
    private static final long CLOCK_RATE = 90_000;
    /** A tick never sends more than this many packets, however late it runs. */
    private static final int MAX_PACKETS_PER_TICK = 32;

    private final WebRtcTransport transport;
    private final SendSideBandwidthEstimator estimator;
    private final ByteBufAllocator buffers;
    private final EventLoop loop;
    private final Clock clock;
    private final RtpPacket view = new RtpPacket();
    private final long timestampOffset;
    private int transportWideSequenceId;
    private int sequenceNumber;
    private ScheduledFuture<?> pacing;
    private long packetsSent;
    private long bytesSent;

    ProbatorStream(WebRtcTransport transport, ByteBufAllocator buffers, EventLoop loop, Clock clock) {
        this.transport = transport;
        this.estimator = transport.bandwidthEstimator();
        this.buffers = buffers;
        this.loop = loop;
        this.clock = clock;
        // RFC 3550 §5.1: the first sequence number and timestamp are random.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        this.sequenceNumber = random.nextInt(0x10000);
        this.timestampOffset = random.nextLong(0x1_0000_0000L);
    }

    /**
     * The receiver negotiated transport-wide-cc under this id (the router's, which every consumer
     * of the transport uses): from now on the probator stream may be sent. 0 keeps it silent.
     */
    void setTransportWideSequenceId(int id) {
        transportWideSequenceId = id;
    }

    boolean enabled() {
        return transportWideSequenceId != 0;
    }

    /** The worker's media timer: starts pacing when the prober has a cluster to send. */
    void onTimer() {
        if (pacing == null && enabled() && !transport.closed() && estimator.prober().isProbing()) {
            pacing = loop.scheduleAtFixedRate(this::pace, 0, PACING_INTERVAL_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    private void pace() {
        BitrateProber prober = estimator.prober();
        if (transport.closed() || !prober.isProbing()) {
            stopPacing();
            return;
        }
        for (int packets = 0; packets < MAX_PACKETS_PER_TICK; packets++) {
            int due = prober.paddingBytesDue(clock.monotonicMicros());
            if (due <= 0) {
                break;
            }
            sendPadding(Math.min(MAX_PADDING, Math.max(1, prober.probePacketSize() - HEADER_LENGTH)));
        }
    }

    private void stopPacing() {
        if (pacing != null) {
            pacing.cancel(false);
            pacing = null;
        }
    }

    /**
     * One padding-only packet (RFC 3550 §5.1: P set, the last octet counts the padding, itself
     * included; no payload) with the transport-wide sequence number element
     * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2) in a one-byte header extension
     * (RFC 8285 §4.2).
     */
    private void sendPadding(int padding) {
        int length = HEADER_LENGTH + padding;
        ByteBuf packet = buffers.directBuffer(length + transport.srtpOverhead());
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        long timestamp = (timestampOffset + clock.monotonicMicros() * CLOCK_RATE / 1_000_000) & 0xFFFF_FFFFL;
        packet.writeByte(VERSION_PADDING_EXTENSION);
        packet.writeByte(PAYLOAD_TYPE);
        packet.writeShort(sequenceNumber);
        packet.writeInt((int) timestamp);
        packet.writeInt((int) SSRC);
        packet.writeShort(ONE_BYTE_PROFILE);
        packet.writeShort(1);
        packet.writeByte(transportWideSequenceId << 4 | (TRANSPORT_WIDE_LENGTH - 1));
        packet.writeZero(TRANSPORT_WIDE_LENGTH + 1);
        packet.writeZero(padding - 1);
        packet.writeByte(padding);
        if (!view.wrap(packet)) {
            packet.release();
            return;
        }
        view.setTransportWideSequenceNumber(transportWideSequenceId, estimator.sendPacket(length));
        packetsSent++;
        bytesSent += length;
        transport.sendRtp(packet);
    }

    long packetsSent() {
        return packetsSent;
    }

    long bytesSent() {
        return bytesSent;
    }
}
