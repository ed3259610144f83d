package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.router.stats.LayerBitrates;
import io.sluice.worker.router.stats.ProducerStatsSnapshot;
import io.sluice.worker.router.ortc.ScalabilityMode;
import io.sluice.worker.router.ortc.CodecMatcher;
import io.sluice.worker.router.ortc.CodecParameters;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtcp.RtcpPacket;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.codecs.PayloadDescriptor;
import io.sluice.worker.rtp.codecs.PayloadParser;
import io.sluice.worker.time.Clock;
import io.sluice.worker.rtp.nack.SharedPacketStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A producer (mediasoup's Producer): the RTP one endpoint sends into a transport. Each incoming
 * stream is found by its SSRC, or by its rid (RFC 8852) for simulcast encodings signalled without
 * SSRCs, or by its MID when a single encoding has neither, and rewritten in place to the router's view of it: the mapped SSRC, the router's payload
 * type and the router's header extension ids. Its listener (the router) then fans it out. Each
 * encoding's receive state (statistics, NACKs to the sender, key-frame requests, sender reports,
 * activity) is its {@link RtpStreamRecv}'s; RTX packets (RFC 4588 §4) are restored into their
 * stream here, and a retransmission nobody asked for is dropped. Everything runs on the router's
 * loop.
 */
public final class Producer implements RtpStreamRecv.Listener {

    /** Where a producer's rewritten packets go: the router's fan-out to consumers. */
    public interface Listener {
        /** {@code stream}: the packet's encoding, its index in the producer's encodings. */
        void onProducerRtp(Producer producer, int stream, RtpPacket packet);

        void onProducerPaused(Producer producer);

        void onProducerResumed(Producer producer);

        /**
         * Encoding {@code stream} started sending, or has sent nothing for
         * {@link #STREAM_INACTIVE_AFTER_MS}: layered consumers choose their layers again.
         */
        default void onProducerStreamActivity(Producer producer, int stream, boolean active) {
        }
    }

    /** mediasoup's producer types, from the encodings and their codec ({@link #typeOf}). */
    public enum Type {
        SIMPLE, SIMULCAST, SVC;

        /** mediasoup's name of the type: "simple", "simulcast" or "svc". */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An encoding that sent nothing for this long counts as stopped (mediasoup: its score falls to 0). */
    static final long STREAM_INACTIVE_AFTER_MS = RtpStreamRecv.INACTIVE_AFTER_MS;

    private final String id;
    private final MediaKind kind;
    private final MediaTransport transport;
    private final RtpParameters rtpParameters;
    private final RtpParameters consumableRtpParameters;
    private final Map<String, String> appData;
    private final Listener listener;
    private final Clock clock;
    private final ByteBufAllocator allocator;
    /** One per encoding, in the order of the encodings. */
    private final RtpStreamRecv[] streams;
    /** The SSRC consumers see, per encoding (the packet store keys its copies by them). */
    private final long[] mappedSsrcs;
    private final Type type;
    private final ScalabilityMode scalabilityMode;
    /** What each layer costs to forward, for the bandwidth allocation of the consuming transports. */
    private final LayerBitrates layerBitrates;
    /** When the first packet of any encoding arrived (media clock), Long.MIN_VALUE before. */
    private long firstPacketMs = Long.MIN_VALUE;
    /** Payload parser by producer payload type, for layered producers only; null for none. */
    private final PayloadParser[] payloadParsers = new PayloadParser[128];
    private final PayloadDescriptor descriptor;
    private boolean descriptorValid;
    /** Router payload type by producer payload type, -1 for none. */
    private final int[] payloadTypes = new int[128];
    /** Router header extension id by producer id, 0 to remove (RtpPacket#remapExtensionIds). */
    private final byte[] extensionIds = new byte[256];
    private final int ridExtensionId;
    private final int midExtensionId;
    private final int repairedRidExtensionId;
    /** Original payload type by RTX payload type (the RTX codec's apt), -1 for none. */
    private final int[] associatedPayloadTypes = new int[128];
    private final long[] drops = new long[DropReason.values().length];
    /** One copy of each forwarded packet while a consumer answers NACKs from it; null otherwise. */
    private SharedPacketStore packetStore;
    private int packetStoreUsers;
    private boolean paused;
    private long packetsReceived;
    private long bytesReceived;

    enum DropReason {
        UNKNOWN_PAYLOAD_TYPE, RTX_UNUSABLE, RTX_UNREQUESTED, PAUSED;

        String statsName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    Producer(String id, MediaKind kind, MediaTransport transport, RtpParameters rtpParameters, RtpMapping mapping,
            RtpParameters consumableRtpParameters, boolean paused, Map<String, String> appData, Listener listener,
            Clock clock, ByteBufAllocator allocator) {
        this.id = id;
        this.kind = kind;
        this.transport = transport;
        this.rtpParameters = rtpParameters;
        this.consumableRtpParameters = consumableRtpParameters;
        this.paused = paused;
        this.appData = appData;
        this.listener = listener;
        this.clock = clock;
        this.allocator = allocator;
        List<RtpMapping.EncodingMapping> encodings = mapping.encodings();
        int count = encodings.size();
        int clockRate = rtpParameters.codecs().get(0).clockRate();
        boolean nack = ConsumerRetransmission.negotiated(rtpParameters);
        streams = new RtpStreamRecv[count];
        mappedSsrcs = new long[count];
        for (int i = 0; i < count; i++) {
            RtpMapping.EncodingMapping encoding = encodings.get(i);
            var given = rtpParameters.encodings().get(i);
            long rtxSsrc = given.hasRtx() ? Integer.toUnsignedLong(given.rtx().ssrc()) : -1;
            mappedSsrcs[i] = encoding.mappedSsrc();
            streams[i] = new RtpStreamRecv(i, encoding.rid(), encoding.ssrc().orElse(-1), encoding.mappedSsrc(),
                    rtxSsrc, clockRate, kind == MediaKind.VIDEO, nack, clock, this);
        }
        this.type = typeOf(rtpParameters);
        this.scalabilityMode = ScalabilityMode.parseOrNone(rtpParameters.encodings().get(0).scalabilityMode());
        this.layerBitrates = new LayerBitrates(count, type == Type.SVC ? scalabilityMode.spatialLayers() : 1,
                scalabilityMode.temporalLayers());
        // Every video producer's payloads are parsed once per packet: layered consumers need the
        // descriptor, and key frames seen settle the key-frame requests sent for them.
        if (kind == MediaKind.VIDEO) {
            for (var codec : rtpParameters.codecs()) {
                payloadParsers[codec.payloadType()] = PayloadParser.forMimeType(codec.mimeType());
            }
            descriptor = new PayloadDescriptor();
        } else {
            descriptor = null;
        }
        Arrays.fill(payloadTypes, -1);
        for (RtpMapping.CodecMapping codec : mapping.codecs()) {
            payloadTypes[codec.payloadType()] = codec.mappedPayloadType();
        }
        int rid = 0;
        int mid = 0;
        int repairedRid = 0;
        for (RtpHeaderExtensionParameters extension : rtpParameters.headerExtensions()) {
            int producerId = extension.id();
            if (extension.uri().equals(RtpHeaderExtensionUris.RTP_STREAM_ID)) {
                rid = producerId;
            } else if (extension.uri().equals(RtpHeaderExtensionUris.MID)) {
                mid = producerId;
            } else if (extension.uri().equals(RtpHeaderExtensionUris.REPAIRED_RTP_STREAM_ID)) {
                repairedRid = producerId;
            }
            for (RtpHeaderExtensionParameters routerExtension : consumableRtpParameters.headerExtensions()) {
                if (routerExtension.uri().equals(extension.uri())) {
                    extensionIds[producerId] = (byte) routerExtension.id();
                }
            }
        }
        Arrays.fill(associatedPayloadTypes, -1);
        for (RtpCodecParameters codec : rtpParameters.codecs()) {
            if (CodecMatcher.isRtx(codec.mimeType())) {
                long apt = CodecParameters.intValue(codec.parameters(), CodecParameters.APT).orElse(-1);
                if (apt >= 0 && apt < 128) {
                    associatedPayloadTypes[codec.payloadType()] = (int) apt;
                }
            }
        }
        this.ridExtensionId = rid;
        this.repairedRidExtensionId = repairedRid;
        this.midExtensionId = rtpParameters.mid().isEmpty() ? 0 : mid;
    }

    public String id() {
        return id;
    }

    /** The application's key/values given at creation. */
    public Map<String, String> appData() {
        return appData;
    }

    public MediaKind kind() {
        return kind;
    }

    public MediaTransport transport() {
        return transport;
    }

    public RtpParameters rtpParameters() {
        return rtpParameters;
    }

    /** The parameters every consumer of this producer derives its own from. */
    public RtpParameters consumableRtpParameters() {
        return consumableRtpParameters;
    }

    public boolean paused() {
        return paused;
    }

    /**
     * mediasoup's rule (RtpParameters::GetType): several encodings are simulcast; one encoding
     * with several spatial or temporal layers is SVC when its codec can be (VP9, AV1), simulcast
     * (temporal layers only) when it can be (VP8, H264), else simple.
     */
    static Type typeOf(RtpParameters parameters) {
        if (parameters.encodings().size() > 1) {
            return Type.SIMULCAST;
        }
        ScalabilityMode mode = ScalabilityMode.parseOrNone(parameters.encodings().get(0).scalabilityMode());
        if (mode.spatialLayers() == 1 && mode.temporalLayers() == 1) {
            return Type.SIMPLE;
        }
        String mimeType = parameters.codecs().get(0).mimeType().toLowerCase(Locale.ROOT);
        return switch (mimeType) {
            case "video/vp9", "video/av1" -> Type.SVC;
            case "video/vp8", "video/h264" -> Type.SIMULCAST;
            default -> Type.SIMPLE;
        };
    }

    public Type type() {
        return type;
    }

    /** The layers of each encoding (the first encoding's scalability mode, as mediasoup assumes them equal). */
    ScalabilityMode scalabilityMode() {
        return scalabilityMode;
    }

    boolean hasSsrc(long ssrc) {
        for (RtpStreamRecv stream : streams) {
            if (stream.ssrc() == ssrc || stream.rtxSsrc() == ssrc) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes one incoming packet if one of this producer's streams sends it: rewrites it in place
     * and hands it to the listener. Returns false when the SSRC (or rid) is not this producer's.
     */
    boolean receive(RtpPacket packet) {
        RtpStreamRecv stream = streamOf(packet);
        boolean fromRtx = false;
        if (stream == null) {
            stream = rtxStreamOf(packet.ssrc());
            if (stream == null) {
                return false;
            }
            if (!stream.restoreRtx(packet, associatedPayloadTypes)) {
                drops[DropReason.RTX_UNUSABLE.ordinal()]++;
                return true;
            }
            fromRtx = true;
        }
        packetsReceived++;
        bytesReceived += packet.length();
        long now = clock.monotonicMillis();
        stream.onPacket(packet, now);
        int payloadType = payloadTypes[packet.payloadType()];
        if (payloadType < 0) {
            drops[DropReason.UNKNOWN_PAYLOAD_TYPE.ordinal()]++;
            return true;
        }
        stream.onMediaPacket(now);
        if (firstPacketMs == Long.MIN_VALUE) {
            firstPacketMs = now;
        }
        if (descriptor != null) {
            parsePayload(stream, packet, now);
        }
        boolean layered = descriptor != null && descriptorValid;
        layerBitrates.add(stream.index(), layered ? descriptor.spatialLayer() : 0,
                layered ? descriptor.temporalLayer() : 0, packet.length(), now);
        if (!stream.acceptSequenceNumber(packet.sequenceNumber(), fromRtx)) {
            drops[DropReason.RTX_UNREQUESTED.ordinal()]++;
            return true;
        }
        if (paused) {
            drops[DropReason.PAUSED.ordinal()]++;
            return true;
        }
        packet.setSsrc(stream.mappedSsrc());
        packet.setPayloadType(payloadType);
        if (packet.hasHeaderExtension()) {
            packet.remapExtensionIds(extensionIds);
        }
        if (stream.markActive()) {
            listener.onProducerStreamActivity(this, stream.index(), true);
        }
        listener.onProducerRtp(this, stream.index(), packet);
        return true;
    }

    private void parsePayload(RtpStreamRecv stream, RtpPacket packet, long now) {
        PayloadParser parser = payloadParsers[packet.payloadType()];
        descriptorValid = parser != null
                && parser.parse(packet.buffer(), packet.payloadOffset(), packet.payloadLength(), packet.marker(),
                        descriptor);
        if (descriptorValid && descriptor.keyFrame()) {
            stream.onKeyFrame(now);
        }
    }

    /**
     * The payload descriptor of the packet being handed to {@link Listener#onProducerRtp} (parsed
     * once for every consumer), valid only during that call; null for audio, codecs without one,
     * and malformed payloads.
     */
    PayloadDescriptor payloadDescriptor() {
        return descriptorValid ? descriptor : null;
    }

    private RtpStreamRecv streamOf(RtpPacket packet) {
        long ssrc = packet.ssrc();
        for (RtpStreamRecv stream : streams) {
            if (stream.ssrc() == ssrc) {
                return stream;
            }
        }
        // RFC 8852 §3: a simulcast encoding signalled by rid alone names itself in the RtpStreamId
        // header extension; its SSRC is learned from the first packet that carries it.
        if (ridExtensionId != 0 && packet.hasExtension(ridExtensionId)) {
            for (RtpStreamRecv stream : streams) {
                if (stream.ssrc() < 0 && !stream.rid().isEmpty() && packet.extensionEquals(ridExtensionId, stream.rid())) {
                    stream.learnSsrc(ssrc);
                    return stream;
                }
            }
        }
        // RFC 8852 §3.2: the RTX stream of an encoding signalled by rid alone names that rid in the
        // RepairedRtpStreamId extension; its SSRC is learned so that it is restored as RTX.
        if (repairedRidExtensionId != 0 && packet.hasExtension(repairedRidExtensionId)) {
            for (RtpStreamRecv stream : streams) {
                if (stream.rtxSsrc() < 0 && !stream.rid().isEmpty()
                        && packet.extensionEquals(repairedRidExtensionId, stream.rid())) {
                    stream.learnRtxSsrc(ssrc);
                    return null;
                }
            }
        }
        // RFC 9143 §9.2: a single encoding signalled with neither SSRC nor rid is known by the
        // MID of its media section alone.
        if (midExtensionId != 0 && streams.length == 1 && streams[0].ssrc() < 0 && streams[0].rid().isEmpty()
                && packet.hasExtension(midExtensionId)
                && packet.extensionEquals(midExtensionId, rtpParameters.mid())) {
            streams[0].learnSsrc(ssrc);
            return streams[0];
        }
        return null;
    }

    /** The stream whose RTX SSRC (RFC 4588 §4) is {@code ssrc}, null for none. */
    private RtpStreamRecv rtxStreamOf(long ssrc) {
        for (RtpStreamRecv stream : streams) {
            if (stream.rtxSsrc() == ssrc) {
                return stream;
            }
        }
        return null;
    }

    /**
     * Asks the sender for a key frame on every stream whose SSRC is known, with a picture loss
     * indication (RFC 4585 §6.3.1), under each stream's throttle ({@link RtpStreamRecv#requestKeyFrame}).
     */
    public void requestKeyFrame() {
        for (RtpStreamRecv stream : streams) {
            stream.requestKeyFrame();
        }
    }

    /** Asks for a key frame on encoding {@code stream} alone (a layered consumer's target), under the same throttle. */
    public void requestKeyFrame(int stream) {
        streams[stream].requestKeyFrame();
    }

    /** Deferred and repeated key-frame requests whose interval has ended; the worker calls it periodically. */
    void onKeyFrameRequestTimer() {
        for (RtpStreamRecv stream : streams) {
            stream.onKeyFrameRequestTimer();
        }
    }

    /** Sends a stream's feedback to the sender over the producer's transport. */
    @Override
    public void onRtpStreamSendRtcp(RtpStreamRecv stream, RtcpPacket feedback) {
        if (feedback instanceof FeedbackRtpNack) {
            transport.loopCounters().nackSent();
        } else {
            transport.loopCounters().pliSent();
        }
        ByteBuf packet = allocator.directBuffer(feedback.serializedLength() + transport.srtpOverhead());
        feedback.writeTo(packet);
        transport.sendRtcp(packet);
    }

    /** Loss on one stream too heavy for NACKs: a key frame is asked for on every stream, as before the split. */
    @Override
    public void onRtpStreamKeyFrameNeeded(RtpStreamRecv stream) {
        requestKeyFrame();
    }

    /**
     * Marks the encodings that sent nothing for {@link #STREAM_INACTIVE_AFTER_MS} as stopped and
     * tells the listener; the worker calls it periodically.
     */
    void onActivityTimer() {
        long now = clock.monotonicMillis();
        for (RtpStreamRecv stream : streams) {
            if (stream.checkStopped(now)) {
                listener.onProducerStreamActivity(this, stream.index(), false);
            }
        }
    }

    /** NACK retries due while no packet arrives; the worker calls it periodically. */
    void onNackTimer() {
        for (RtpStreamRecv stream : streams) {
            stream.onNackTimer();
        }
    }

    /** The round-trip time to the sender, which paces the streams' NACK retries. */
    void setRttMs(long rttMs) {
        for (RtpStreamRecv stream : streams) {
            stream.setRttMs(rttMs);
        }
    }

    LayerBitrates layerBitrates() {
        return layerBitrates;
    }

    /** When the producer's first packet arrived (media clock), Long.MIN_VALUE before any. */
    long firstPacketMs() {
        return firstPacketMs;
    }

    /**
     * The store of forwarded packets the consumers that answer NACKs share: created for the first
     * that asks, closed (every copy released) when the last gives it back with
     * {@link #releasePacketStore()}.
     */
    SharedPacketStore acquirePacketStore() {
        if (packetStore == null) {
            packetStore = new SharedPacketStore(allocator, mappedSsrcs);
        }
        packetStoreUsers++;
        return packetStore;
    }

    void releasePacketStore() {
        if (packetStoreUsers > 0 && --packetStoreUsers == 0) {
            packetStore.close();
            packetStore = null;
        }
    }

    int streamCount() {
        return streams.length;
    }

    /** Encoding {@code index}'s receive stream. */
    RtpStreamRecv stream(int index) {
        return streams[index];
    }

    /** Missing packets of all streams that arrived after all (late or by RTX). */
    long packetsRepaired() {
        long total = 0;
        for (RtpStreamRecv stream : streams) {
            total += stream.packetsRepaired();
        }
        return total;
    }

    /** PLIs sent to the sender, all streams together. */
    long keyFrameRequestsSent() {
        long total = 0;
        for (RtpStreamRecv stream : streams) {
            total += stream.stats().pliCount();
        }
        return total;
    }

    /** producer.pause: nothing reaches consumers until resumed. Returns whether it changed. */
    public boolean pause() {
        if (paused) {
            return false;
        }
        paused = true;
        listener.onProducerPaused(this);
        return true;
    }

    public boolean resume() {
        if (!paused) {
            return false;
        }
        paused = false;
        listener.onProducerResumed(this);
        return true;
    }

    /** @param consumerIds its consumers' ids, which the router knows */
    ProducerDump dump(List<String> consumerIds) {
        List<ProducerDump.Stream> dumped = new ArrayList<>(streams.length);
        for (RtpStreamRecv stream : streams) {
            dumped.add(new ProducerDump.Stream(stream.rid(), stream.ssrc(), stream.mappedSsrc()));
        }
        return new ProducerDump(id, transport.id(), paused, type.apiName(), consumerIds, dumped);
    }

    ProducerStatsSnapshot stats(long nowMs) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            if (drops[reason.ordinal()] > 0) {
                dropped.put(reason.statsName(), drops[reason.ordinal()]);
            }
        }
        return new ProducerStatsSnapshot(id, nowMs, packetsReceived, bytesReceived, keyFrameRequestsSent(), dropped,
                RtpStreamStatsWriter.inbound(this, nowMs, clock.monotonicMillis()));
    }
}
