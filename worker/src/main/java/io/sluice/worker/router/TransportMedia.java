package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.bwe.TransportCongestionControlServer;
import io.sluice.worker.net.FlushBatch;
import io.sluice.worker.rtcp.FeedbackPacket;
import io.sluice.worker.rtcp.FeedbackPsFir;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.FeedbackPsRemb;
import io.sluice.worker.rtcp.FeedbackRtpTransport;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtcp.RtcpCompoundIterator;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The producers and consumers of one transport, and where its decrypted packets go: RTP to the
 * producer whose stream has the packet's SSRC (its transport-wide sequence number, when the
 * sender negotiated one, to the {@link TransportCongestionControlServer}), RTCP key-frame requests (PLI, FIR) and generic
 * NACKs to the consumer they name. Lives on the router's loop; the arrays the media path scans are rebuilt when an
 * entity is added or removed, so a packet costs no allocation.
 */
public final class TransportMedia {

    private final MediaTransport transport;
    private final Map<String, Producer> producers = new LinkedHashMap<>();
    private final Map<String, Consumer> consumers = new LinkedHashMap<>();
    private final RtpPacket rtp = new RtpPacket();
    private final RtcpCompoundIterator rtcp = new RtcpCompoundIterator();
    private Producer[] producerArray = new Producer[0];
    private Consumer[] consumerArray = new Consumer[0];
    private RtcpScheduler reports;
    /** Transport-wide congestion control feedback to the sender; null until set. */
    private TransportCongestionControlServer congestionControl;
    private Clock clock;
    /** The estimate towards the endpoint shared out among the consumers; null for transports that do not estimate. */
    private TransportBitrateAllocation bitrateAllocation;
    /** The sender's id of the transport-wide sequence number extension, 0 while no producer negotiated it. */
    private int transportWideSequenceId;
    private int nextMidForConsumers;
    private long unknownSsrcPackets;
    private long malformedPackets;

    TransportMedia(MediaTransport transport) {
        this.transport = transport;
    }

    /**
     * The MID of the transport's next consumer: "0", "1", ... as mediasoup numbers them, back to
     * "0" after 99,999,999.
     */
    String nextConsumerMid() {
        String mid = Integer.toString(nextMidForConsumers++);
        if (nextMidForConsumers == 100_000_000) {
            nextMidForConsumers = 0;
        }
        return mid;
    }

    MediaTransport transport() {
        return transport;
    }

    /** Where incoming sender and receiver reports go (and who sends ours). */
    void setRtcpScheduler(RtcpScheduler reports) {
        this.reports = reports;
    }

    RtcpScheduler rtcpScheduler() {
        return reports;
    }

    /** Where the transport-wide sequence numbers of incoming packets go, and the clock of their arrival. */
    void setCongestionControlServer(TransportCongestionControlServer server, Clock clock) {
        this.congestionControl = server;
        this.clock = clock;
    }

    TransportCongestionControlServer congestionControlServer() {
        return congestionControl;
    }

    /** From now on the consumers share what the transport's bandwidth estimator gives. */
    void setBitrateAllocation(TransportBitrateAllocation allocation) {
        this.bitrateAllocation = allocation;
        for (Consumer consumer : consumerArray) {
            allocation.add(consumer);
        }
    }

    TransportBitrateAllocation bitrateAllocation() {
        return bitrateAllocation;
    }

    /** The worker's media timer: probing and the allocation's periodic run. */
    void onBandwidthTimer() {
        if (bitrateAllocation != null) {
            bitrateAllocation.onTimer();
        }
    }

    void addProducer(Producer producer) {
        if (transportWideSequenceId == 0) {
            for (var extension : producer.rtpParameters().headerExtensions()) {
                if (extension.uri().equals(io.sluice.worker.router.ortc.RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01)) {
                    transportWideSequenceId = extension.id();
                }
            }
        }
        producers.put(producer.id(), producer);
        producerArray = producers.values().toArray(new Producer[0]);
    }

    void removeProducer(Producer producer) {
        producers.remove(producer.id());
        producerArray = producers.values().toArray(new Producer[0]);
    }

    void addConsumer(Consumer consumer) {
        consumers.put(consumer.id(), consumer);
        consumerArray = consumers.values().toArray(new Consumer[0]);
        if (bitrateAllocation != null) {
            bitrateAllocation.add(consumer);
        }
    }

    void removeConsumer(Consumer consumer) {
        consumers.remove(consumer.id());
        consumerArray = consumers.values().toArray(new Consumer[0]);
        if (bitrateAllocation != null) {
            bitrateAllocation.remove(consumer);
        }
    }

    Collection<Producer> producers() {
        return Collections.unmodifiableCollection(producers.values());
    }

    /** On the loop. */
    public Collection<Consumer> consumers() {
        return Collections.unmodifiableCollection(consumers.values());
    }

    /** Whether a producer of this transport already receives {@code ssrc} (as a stream or its RTX). */
    boolean receivesSsrc(long ssrc) {
        for (Producer producer : producerArray) {
            if (producer.hasSsrc(ssrc)) {
                return true;
            }
        }
        return false;
    }

    long unknownSsrcPackets() {
        return unknownSsrcPackets;
    }

    long malformedPackets() {
        return malformedPackets;
    }

    /**
     * The transport can send now (DTLS connected, or a plain transport's remote is known): each
     * active consumer restarts its stream from a key frame, as mediasoup's consumers do when their
     * transport connects, so that a receiver never waits for the sender's next periodic key frame.
     */
    void onTransportConnected() {
        for (Consumer consumer : consumerArray) {
            consumer.onTransportConnected();
        }
    }

    /** One decrypted RTP packet, in the socket's buffer (which the socket releases). */
    void onRtp(ByteBuf packet) {
        if (!rtp.wrap(packet)) {
            malformedPackets++;
            return;
        }
        if (transportWideSequenceId != 0 && congestionControl != null) {
            int sequenceNumber = rtp.transportWideSequenceNumber(transportWideSequenceId);
            if (sequenceNumber >= 0) {
                congestionControl.onPacket(sequenceNumber, rtp.ssrc(), clock.monotonicMicros());
            }
        }
        for (Producer producer : producerArray) {
            if (producer.receive(rtp)) {
                return;
            }
        }
        unknownSsrcPackets++;
    }

    /**
     * One decrypted RTCP compound. Key-frame requests (RFC 4585 §6.3.1 PLI; RFC 5104 §4.3.1 FIR,
     * whose FCI entries name the SSRCs) and generic NACKs (RFC 4585 §6.2.1) reach the consumer
     * sending that SSRC; sender and receiver reports go to the {@link RtcpScheduler}; a receiver's
     * transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) and REMB
     * (draft-alvestrand-rmcat-remb-03 §2.2) go to the transport's bandwidth estimator. Each packet
     * is read in place through its {@code rtcp} class's static accessors (the one parser of its
     * type), allocating nothing, except the feedback for the estimator, which is parsed into its
     * message class.
     */
    void onRtcp(ByteBuf packet) {
        // The resends and key-frame requests one compound causes leave with one flush per socket.
        FlushBatch flushes = FlushBatch.current();
        flushes.open();
        try {
            onRtcpPackets(packet);
        } finally {
            flushes.close();
        }
    }

    private void onRtcpPackets(ByteBuf packet) {
        rtcp.reset(packet);
        while (rtcp.next()) {
            if (reports != null && reports.onReport(rtcp)) {
                continue;
            }
            int offset = rtcp.offset();
            int length = rtcp.packetLength();
            if (rtcp.packetType() == RtcpHeader.TYPE_RTPFB && rtcp.count() == FeedbackRtpNack.FMT) {
                int items = FeedbackRtpNack.itemCount(packet, offset, length);
                if (items > 0) {
                    transport.loopCounters().nackReceived();
                    onNack(packet, offset, items);
                }
                continue;
            }
            if (rtcp.packetType() == RtcpHeader.TYPE_RTPFB && rtcp.count() == FeedbackRtpTransport.FMT) {
                onTransportFeedback(FeedbackRtpTransport.parse(packet, offset, length));
                continue;
            }
            if (rtcp.packetType() != RtcpHeader.TYPE_PSFB) {
                continue;
            }
            if (rtcp.count() == FeedbackPsRemb.FMT) {
                FeedbackPsRemb remb = FeedbackPsRemb.parse(packet, offset, length);
                if (remb != null) {
                    transport.bandwidthEstimator().onRemb(remb.bitrate());
                    estimateChanged();
                }
                continue;
            }
            if (rtcp.count() == FeedbackPsPli.FMT) {
                if (FeedbackPsPli.isValid(packet, offset, length)) {
                    transport.loopCounters().pliReceived();
                    requestKeyFrame(FeedbackPacket.mediaSsrc(packet, offset));
                }
            } else if (rtcp.count() == FeedbackPsFir.FMT) {
                int entries = FeedbackPsFir.entryCount(packet, offset, length);
                for (int entry = 0; entry < entries; entry++) {
                    transport.loopCounters().firReceived();
                    requestKeyFrame(FeedbackPsFir.entrySsrc(packet, offset, entry));
                }
            }
        }
        if (rtcp.isMalformed()) {
            malformedPackets++;
        }
    }

    private void onTransportFeedback(FeedbackRtpTransport feedback) {
        if (feedback != null) {
            transport.bandwidthEstimator().onTransportFeedback(feedback);
            estimateChanged();
        }
    }

    private void estimateChanged() {
        if (bitrateAllocation != null) {
            bitrateAllocation.onEstimateChanged();
        }
    }

    /** RFC 4585 §6.2.1: a generic NACK goes to the consumer sending its media SSRC. */
    private void onNack(ByteBuf packet, int offset, int items) {
        long mediaSsrc = FeedbackPacket.mediaSsrc(packet, offset);
        for (Consumer consumer : consumerArray) {
            if (consumer.sendsSsrc(mediaSsrc)) {
                consumer.onNack(mediaSsrc, packet, offset, items);
                return;
            }
        }
    }

    private void requestKeyFrame(long mediaSsrc) {
        for (Consumer consumer : consumerArray) {
            if (consumer.sendsSsrc(mediaSsrc)) {
                consumer.onKeyFrameRequested(mediaSsrc);
                return;
            }
        }
    }
}
