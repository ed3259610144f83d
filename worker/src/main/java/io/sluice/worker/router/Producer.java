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
import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.router.ortc.ScalabilityMode;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtcp.SenderReport;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.codecs.PayloadDescriptor;
import io.sluice.worker.rtp.codecs.PayloadParser;
import io.sluice.worker.time.Clock;
import java.util.Locale;
import io.sluice.worker.rtp.nack.SharedPacketStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A producer (mediasoup's Producer): the RTP one endpoint sends into a transport. Each incoming
 * stream is found by its SSRC, or by its rid (RFC 8852) for simulcast encodings signalled without
 * SSRCs, or by its MID when a single encoding has neither, and rewritten in place to the router's view of it: the mapped SSRC, the router's payload
 * type and the router's header extension ids. Its listener (the router) then fans it out. Loss
 * repair (NACKs to the sender, RTX restored into the stream) is {@link ProducerLossRepair}'s.
 * Everything runs on the router's loop.
 */
public final class Producer {

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
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An encoding that sent nothing for this long counts as stopped (mediasoup: its score falls to 0). */
    static final long STREAM_INACTIVE_AFTER_MS = 1000;

    /** A throttle on key-frame requests towards the sender (at most one per stream per interval). */
    static final long KEY_FRAME_REQUEST_INTERVAL_MS = 1000;

    private final String id;
    private final MediaKind kind;
    private final MediaTransport transport;
    private final RtpParameters rtpParameters;
    private final RtpParameters consumableRtpParameters;
    private final Map<String, String> appData;
    private final Listener listener;
    private final Clock clock;
    private final ByteBufAllocator allocator;
    /** Incoming SSRC of each encoding; -1 until learned from its rid. */
    private final long[] streamSsrcs;
    private final String[] streamRids;
    private final long[] mappedSsrcs;
    private final long[] rtxSsrcs;
    private final long[] lastKeyFrameRequestMs;
    /** A request arrived within the interval after the last one was answered: send it when the interval ends. */
    private final boolean[] keyFrameRequestPending;
    /** The last request may be repeated once if no key frame answers it within the interval. */
    private final boolean[] keyFrameRetryDue;
    private final RtpReceiveStreamStats[] streamStats;
    private final Type type;
    private final ScalabilityMode scalabilityMode;
    /** What each layer costs to forward, for the bandwidth allocation of the consuming transports. */
    private final LayerBitrates layerBitrates;
    /** When each encoding last sent a packet, on the media clock; whether it counts as sending. */
    private final long[] lastPacketMs;
    private final boolean[] streamActive;
    /** Each encoding's last sender report: NTP time in ms and RTP timestamp (RFC 3550 §6.4.1). */
    private final long[] senderReportNtpMs;
    private final long[] senderReportRtpTimestamps;
    private final boolean[] haveSenderReport;
    private final long[] lastKeyFrameMs;
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
    private final long[] drops = new long[DropReason.values().length];
    /** NACKs towards the sender and RTX restoration. */
    private final ProducerLossRepair lossRepair;
    /** One copy of each forwarded packet while a consumer answers NACKs from it; null otherwise. */
    private SharedPacketStore packetStore;
    private int packetStoreUsers;
    private boolean paused;
    private long packetsReceived;
    private long bytesReceived;
    private long keyFrameRequestsSent;

    enum DropReason {
        UNKNOWN_PAYLOAD_TYPE, RTX_UNUSABLE, RTX_UNREQUESTED, PAUSED;

        String statsName() {
            return name().toLowerCase(java.util.Locale.ROOT);
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
        streamSsrcs = new long[count];
        streamRids = new String[count];
        mappedSsrcs = new long[count];
        rtxSsrcs = new long[count];
        lastKeyFrameRequestMs = new long[count];
        keyFrameRequestPending = new boolean[count];
        keyFrameRetryDue = new boolean[count];
        streamStats = new RtpReceiveStreamStats[count];
        for (int i = 0; i < count; i++) {
            RtpMapping.EncodingMapping encoding = encodings.get(i);
            streamSsrcs[i] = encoding.ssrc().orElse(-1);
            streamRids[i] = encoding.rid();
            mappedSsrcs[i] = encoding.mappedSsrc();
            var given = rtpParameters.encodings().get(i);
            rtxSsrcs[i] = given.hasRtx() ? Integer.toUnsignedLong(given.rtx().ssrc()) : -1;
            lastKeyFrameRequestMs[i] = Long.MIN_VALUE;
            streamStats[i] = new RtpReceiveStreamStats(rtpParameters.codecs().get(0).clockRate());
        }
        lastPacketMs = new long[count];
        streamActive = new boolean[count];
        senderReportNtpMs = new long[count];
        senderReportRtpTimestamps = new long[count];
        haveSenderReport = new boolean[count];
        lastKeyFrameMs = new long[count];
        java.util.Arrays.fill(lastKeyFrameMs, Long.MIN_VALUE);
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
        java.util.Arrays.fill(payloadTypes, -1);
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
        this.lossRepair = new ProducerLossRepair(transport, allocator, rtpParameters, streamSsrcs, rtxSsrcs,
                clock, this::requestKeyFrame);
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
        for (int i = 0; i < streamSsrcs.length; i++) {
            if (streamSsrcs[i] == ssrc || rtxSsrcs[i] == ssrc) {
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
        int stream = streamOf(packet);
        boolean fromRtx = false;
        if (stream < 0) {
            stream = lossRepair.restoreRtx(packet);
            if (stream == ProducerLossRepair.NOT_RTX) {
                return false;
            }
            if (stream == ProducerLossRepair.UNUSABLE_RTX) {
                drops[DropReason.RTX_UNUSABLE.ordinal()]++;
                return true;
            }
            fromRtx = true;
        }
        packetsReceived++;
        bytesReceived += packet.length();
        long now = clock.monotonicMillis();
        streamStats[stream].onPacket(packet.sequenceNumber(), packet.timestamp(), packet.length(), now);
        int payloadType = payloadTypes[packet.payloadType()];
        if (payloadType < 0) {
            drops[DropReason.UNKNOWN_PAYLOAD_TYPE.ordinal()]++;
            return true;
        }
        lastPacketMs[stream] = now;
        if (firstPacketMs == Long.MIN_VALUE) {
            firstPacketMs = now;
        }
        if (descriptor != null) {
            parsePayload(stream, packet, now);
        }
        boolean layered = descriptor != null && descriptorValid;
        layerBitrates.add(stream, layered ? descriptor.spatialLayer() : 0, layered ? descriptor.temporalLayer() : 0,
                packet.length(), now);
        if (!lossRepair.onPacket(stream, packet.sequenceNumber(), fromRtx)) {
            drops[DropReason.RTX_UNREQUESTED.ordinal()]++;
            return true;
        }
        if (paused) {
            drops[DropReason.PAUSED.ordinal()]++;
            return true;
        }
        packet.setSsrc(mappedSsrcs[stream]);
        packet.setPayloadType(payloadType);
        if (packet.hasHeaderExtension()) {
            packet.remapExtensionIds(extensionIds);
        }
        if (!streamActive[stream]) {
            streamActive[stream] = true;
            listener.onProducerStreamActivity(this, stream, true);
        }
        listener.onProducerRtp(this, stream, packet);
        return true;
    }

    private void parsePayload(int stream, RtpPacket packet, long now) {
        PayloadParser parser = payloadParsers[packet.payloadType()];
        descriptorValid = parser != null
                && parser.parse(packet.buffer(), packet.payloadOffset(), packet.payloadLength(), packet.marker(),
                        descriptor);
        if (descriptorValid && descriptor.keyFrame()) {
            lastKeyFrameMs[stream] = now;
            keyFrameRequestPending[stream] = false;
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

    private int streamOf(RtpPacket packet) {
        long ssrc = packet.ssrc();
        for (int i = 0; i < streamSsrcs.length; i++) {
            if (streamSsrcs[i] == ssrc) {
                return i;
            }
        }
        // RFC 8852 §3: a simulcast encoding signalled by rid alone names itself in the RtpStreamId
        // header extension; its SSRC is learned from the first packet that carries it.
        if (ridExtensionId != 0 && packet.hasExtension(ridExtensionId)) {
            for (int i = 0; i < streamRids.length; i++) {
                if (streamSsrcs[i] < 0 && !streamRids[i].isEmpty()
                        && packet.extensionEquals(ridExtensionId, streamRids[i])) {
                    streamSsrcs[i] = ssrc;
                    return i;
                }
            }
        }
        // RFC 8852 §3.2: the RTX stream of an encoding signalled by rid alone names that rid in the
        // RepairedRtpStreamId extension; its SSRC is learned so that ProducerLossRepair restores it.
        if (repairedRidExtensionId != 0 && packet.hasExtension(repairedRidExtensionId)) {
            for (int i = 0; i < streamRids.length; i++) {
                if (rtxSsrcs[i] < 0 && !streamRids[i].isEmpty()
                        && packet.extensionEquals(repairedRidExtensionId, streamRids[i])) {
                    rtxSsrcs[i] = ssrc;
                    return -1;
                }
            }
        }
        // RFC 9143 §9.2: a single encoding signalled with neither SSRC nor rid is known by the
        // MID of its media section alone.
        if (midExtensionId != 0 && streamSsrcs.length == 1 && streamSsrcs[0] < 0 && streamRids[0].isEmpty()
                && packet.hasExtension(midExtensionId)
                && packet.extensionEquals(midExtensionId, rtpParameters.mid())) {
            streamSsrcs[0] = ssrc;
            return 0;
        }
        return -1;
    }

    /**
     * Asks the sender for a key frame on every stream whose SSRC is known, with a picture loss
     * indication (RFC 4585 §6.3.1), at most once per {@link #KEY_FRAME_REQUEST_INTERVAL_MS} per
     * stream. A request within the interval is not lost: while the key frame asked for last has not
     * arrived, it answers this request too; once it has, the new request is sent when the interval
     * ends, unless another key frame comes first. A request no key frame answers within the
     * interval is sent once more (a PLI can be lost), for codecs whose key frames Sluice recognizes.
     */
    public void requestKeyFrame() {
        for (int i = 0; i < streamSsrcs.length; i++) {
            requestKeyFrame(i);
        }
    }

    /** Asks for a key frame on encoding {@code stream} alone (a layered consumer's target), under the same throttle. */
    public void requestKeyFrame(int stream) {
        if (kind != MediaKind.VIDEO || streamSsrcs[stream] < 0) {
            return;
        }
        long now = clock.monotonicMillis();
        if (lastKeyFrameRequestMs[stream] != Long.MIN_VALUE
                && now - lastKeyFrameRequestMs[stream] < KEY_FRAME_REQUEST_INTERVAL_MS) {
            if (keyFrameAnswered(stream)) {
                keyFrameRequestPending[stream] = true;
            }
            return;
        }
        sendKeyFrameRequest(stream, now);
        keyFrameRetryDue[stream] = true;
    }

    /** Whether a key frame arrived since the last request on {@code stream} went out. */
    private boolean keyFrameAnswered(int stream) {
        return lastKeyFrameMs[stream] != Long.MIN_VALUE && lastKeyFrameMs[stream] >= lastKeyFrameRequestMs[stream];
    }

    /**
     * Deferred and repeated key-frame requests whose interval has ended: a request held back by the
     * throttle after the last one was answered, and one retry of a request no key frame answered.
     */
    void onKeyFrameRequestTimer() {
        if (kind != MediaKind.VIDEO) {
            return;
        }
        long now = clock.monotonicMillis();
        for (int i = 0; i < streamSsrcs.length; i++) {
            if (streamSsrcs[i] < 0 || lastKeyFrameRequestMs[i] == Long.MIN_VALUE
                    || now - lastKeyFrameRequestMs[i] < KEY_FRAME_REQUEST_INTERVAL_MS) {
                continue;
            }
            if (keyFrameRequestPending[i]) {
                keyFrameRequestPending[i] = false;
                sendKeyFrameRequest(i, now);
                keyFrameRetryDue[i] = true;
            } else if (keyFrameRetryDue[i]) {
                keyFrameRetryDue[i] = false;
                // Only for codecs whose key frames are recognized (video payloads are parsed).
                if (descriptor != null && !keyFrameAnswered(i)) {
                    sendKeyFrameRequest(i, now);
                }
            }
        }
    }

    private void sendKeyFrameRequest(int stream, long now) {
        lastKeyFrameRequestMs[stream] = now;
        keyFrameRequestsSent++;
        streamStats[stream].onPliSent();
        transport.loopCounters().pliSent();
        FeedbackPsPli pli = new FeedbackPsPli(0, streamSsrcs[stream]);
        ByteBuf packet = allocator.directBuffer(pli.serializedLength() + transport.srtpOverhead());
        pli.writeTo(packet);
        transport.sendRtcp(packet);
    }

    /**
     * Marks the encodings that sent nothing for {@link #STREAM_INACTIVE_AFTER_MS} as stopped and
     * tells the listener; the worker calls it periodically.
     */
    void onActivityTimer() {
        long now = clock.monotonicMillis();
        for (int i = 0; i < streamActive.length; i++) {
            if (streamActive[i] && now - lastPacketMs[i] >= STREAM_INACTIVE_AFTER_MS) {
                streamActive[i] = false;
                listener.onProducerStreamActivity(this, i, false);
            }
        }
    }

    /** Whether encoding {@code stream} sent a packet within the last {@link #STREAM_INACTIVE_AFTER_MS}. */
    boolean streamActive(int stream) {
        return streamActive[stream];
    }

    LayerBitrates layerBitrates() {
        return layerBitrates;
    }

    /** When the producer's first packet arrived (media clock), Long.MIN_VALUE before any. */
    long firstPacketMs() {
        return firstPacketMs;
    }

    /** When encoding {@code stream} last sent a key frame (media clock), Long.MIN_VALUE if never seen. */
    long lastKeyFrameMs(int stream) {
        return lastKeyFrameMs[stream];
    }

    /** A sender report about encoding {@code stream}: its NTP/RTP pair maps the stream's timestamps onto wall time. */
    void onSenderReport(int stream, SenderReport report) {
        long ntp = report.ntpTimestamp();
        senderReportNtpMs[stream] = (ntp >>> 32) * 1000 + (((ntp & 0xFFFFFFFFL) * 1000 + (1L << 31)) >>> 32);
        senderReportRtpTimestamps[stream] = report.rtpTimestamp();
        haveSenderReport[stream] = true;
    }

    boolean hasSenderReport(int stream) {
        return haveSenderReport[stream];
    }

    /** The NTP time of encoding {@code stream}'s last sender report, in ms (valid when {@link #hasSenderReport}). */
    long senderReportNtpMs(int stream) {
        return senderReportNtpMs[stream];
    }

    /** The RTP timestamp of encoding {@code stream}'s last sender report. */
    long senderReportRtpTimestamp(int stream) {
        return senderReportRtpTimestamps[stream];
    }

    /** NACK retries due while no packet arrives; the worker calls it periodically. */
    void onNackTimer() {
        lossRepair.onTimer();
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

    ProducerLossRepair lossRepair() {
        return lossRepair;
    }

    int streamCount() {
        return streamSsrcs.length;
    }

    /** The incoming SSRC of encoding {@code stream}, -1 until learned. */
    long streamSsrc(int stream) {
        return streamSsrcs[stream];
    }

    String streamRid(int stream) {
        return streamRids[stream];
    }

    /** The RTX SSRC of encoding {@code stream}, -1 for none. */
    long rtxSsrc(int stream) {
        return rtxSsrcs[stream];
    }

    /** The SSRC consumers see for encoding {@code stream}. */
    long mappedSsrc(int stream) {
        return mappedSsrcs[stream];
    }

    RtpReceiveStreamStats streamStats(int stream) {
        return streamStats[stream];
    }

    long keyFrameRequestsSent() {
        return keyFrameRequestsSent;
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
        List<ProducerDump.Stream> streams = new ArrayList<>(streamSsrcs.length);
        for (int i = 0; i < streamSsrcs.length; i++) {
            streams.add(new ProducerDump.Stream(streamRids[i], streamSsrcs[i], mappedSsrcs[i]));
        }
        return new ProducerDump(id, transport.id(), paused, type.apiName(), consumerIds, streams);
    }

    ProducerStatsSnapshot stats(long nowMs) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            if (drops[reason.ordinal()] > 0) {
                dropped.put(reason.statsName(), drops[reason.ordinal()]);
            }
        }
        return new ProducerStatsSnapshot(id, nowMs, packetsReceived, bytesReceived, keyFrameRequestsSent, dropped,
                RtpStreamStatsWriter.inbound(this, nowMs, clock.monotonicMillis()));
    }
}
