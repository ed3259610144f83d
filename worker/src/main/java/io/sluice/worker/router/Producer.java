package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.api.v1.AppData;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerStats;
import io.sluice.api.v1.ProducerStreamInfo;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.router.stats.RtpReceiveStreamStats;
import io.sluice.worker.rtcp.FeedbackPsPli;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.rtp.nack.SharedPacketStore;
import java.util.List;
import java.util.function.LongSupplier;

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
    }

    /** A throttle on key-frame requests towards the sender (at most one per stream per interval). */
    static final long KEY_FRAME_REQUEST_INTERVAL_MS = 1000;

    private final String id;
    private final MediaKind kind;
    private final MediaTransport transport;
    private final RtpParameters rtpParameters;
    private final RtpParameters consumableRtpParameters;
    private final AppData appData;
    private final Listener listener;
    private final LongSupplier monotonicMillis;
    private final ByteBufAllocator allocator;
    /** Incoming SSRC of each encoding; -1 until learned from its rid. */
    private final long[] streamSsrcs;
    private final String[] streamRids;
    private final long[] mappedSsrcs;
    private final long[] rtxSsrcs;
    private final long[] lastKeyFrameRequestMs;
    private final RtpReceiveStreamStats[] streamStats;
    /** Router payload type by producer payload type, -1 for none. */
    private final int[] payloadTypes = new int[128];
    /** Router header extension id by producer id, 0 to remove (RtpPacket#remapExtensionIds). */
    private final byte[] extensionIds = new byte[256];
    private final int ridExtensionId;
    private final int midExtensionId;
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
            RtpParameters consumableRtpParameters, boolean paused, AppData appData, Listener listener,
            LongSupplier monotonicMillis, ByteBufAllocator allocator) {
        this.id = id;
        this.kind = kind;
        this.transport = transport;
        this.rtpParameters = rtpParameters;
        this.consumableRtpParameters = consumableRtpParameters;
        this.paused = paused;
        this.appData = appData;
        this.listener = listener;
        this.monotonicMillis = monotonicMillis;
        this.allocator = allocator;
        List<RtpMapping.EncodingMapping> encodings = mapping.encodings();
        int count = encodings.size();
        streamSsrcs = new long[count];
        streamRids = new String[count];
        mappedSsrcs = new long[count];
        rtxSsrcs = new long[count];
        lastKeyFrameRequestMs = new long[count];
        streamStats = new RtpReceiveStreamStats[count];
        for (int i = 0; i < count; i++) {
            RtpMapping.EncodingMapping encoding = encodings.get(i);
            streamSsrcs[i] = encoding.ssrc().orElse(-1);
            streamRids[i] = encoding.rid();
            mappedSsrcs[i] = encoding.mappedSsrc();
            var given = rtpParameters.getEncodings(i);
            rtxSsrcs[i] = given.hasRtx() ? Integer.toUnsignedLong(given.getRtx().getSsrc()) : -1;
            lastKeyFrameRequestMs[i] = Long.MIN_VALUE;
            streamStats[i] = new RtpReceiveStreamStats(rtpParameters.getCodecs(0).getClockRate());
        }
        java.util.Arrays.fill(payloadTypes, -1);
        for (RtpMapping.CodecMapping codec : mapping.codecs()) {
            payloadTypes[codec.payloadType()] = codec.mappedPayloadType();
        }
        int rid = 0;
        int mid = 0;
        for (RtpHeaderExtensionParameters extension : rtpParameters.getHeaderExtensionsList()) {
            int producerId = extension.getId();
            if (extension.getUri().equals(RtpHeaderExtensionUris.RTP_STREAM_ID)) {
                rid = producerId;
            } else if (extension.getUri().equals(RtpHeaderExtensionUris.MID)) {
                mid = producerId;
            }
            for (RtpHeaderExtensionParameters routerExtension : consumableRtpParameters.getHeaderExtensionsList()) {
                if (routerExtension.getUri().equals(extension.getUri())) {
                    extensionIds[producerId] = (byte) routerExtension.getId();
                }
            }
        }
        this.lossRepair = new ProducerLossRepair(transport, allocator, rtpParameters, streamSsrcs, rtxSsrcs,
                monotonicMillis, this::requestKeyFrame);
        this.ridExtensionId = rid;
        this.midExtensionId = rtpParameters.getMid().isEmpty() ? 0 : mid;
    }

    public String id() {
        return id;
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
        streamStats[stream].onPacket(packet.sequenceNumber(), packet.timestamp(), packet.length(),
                monotonicMillis.getAsLong());
        int payloadType = payloadTypes[packet.payloadType()];
        if (payloadType < 0) {
            drops[DropReason.UNKNOWN_PAYLOAD_TYPE.ordinal()]++;
            return true;
        }
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
        listener.onProducerRtp(this, stream, packet);
        return true;
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
        // RFC 9143 §9.2: a single encoding signalled with neither SSRC nor rid is known by the
        // MID of its media section alone.
        if (midExtensionId != 0 && streamSsrcs.length == 1 && streamSsrcs[0] < 0 && streamRids[0].isEmpty()
                && packet.hasExtension(midExtensionId)
                && packet.extensionEquals(midExtensionId, rtpParameters.getMid())) {
            streamSsrcs[0] = ssrc;
            return 0;
        }
        return -1;
    }

    /**
     * Asks the sender for a key frame on every stream whose SSRC is known, with a picture loss
     * indication (RFC 4585 §6.3.1), at most once per {@link #KEY_FRAME_REQUEST_INTERVAL_MS} per stream.
     */
    public void requestKeyFrame() {
        if (kind != MediaKind.VIDEO) {
            return;
        }
        long now = monotonicMillis.getAsLong();
        for (int i = 0; i < streamSsrcs.length; i++) {
            if (streamSsrcs[i] < 0 || lastKeyFrameRequestMs[i] != Long.MIN_VALUE
                    && now - lastKeyFrameRequestMs[i] < KEY_FRAME_REQUEST_INTERVAL_MS) {
                continue;
            }
            lastKeyFrameRequestMs[i] = now;
            keyFrameRequestsSent++;
            streamStats[i].onPliSent();
            FeedbackPsPli pli = new FeedbackPsPli(0, streamSsrcs[i]);
            ByteBuf packet = allocator.directBuffer(pli.serializedLength() + transport.srtpOverhead());
            pli.writeTo(packet);
            transport.sendRtcp(packet);
        }
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

    ProducerDumpResponse.Builder dump() {
        ProducerDumpResponse.Builder dump = ProducerDumpResponse.newBuilder()
                .setProducerId(id)
                .setTransportId(transport.id())
                .setKind(kind)
                .setRtpParameters(rtpParameters)
                .setConsumableRtpParameters(consumableRtpParameters)
                .setPaused(paused)
                .setAppData(appData);
        for (int i = 0; i < streamSsrcs.length; i++) {
            ProducerStreamInfo.Builder stream = ProducerStreamInfo.newBuilder()
                    .setRid(streamRids[i])
                    .setMappedSsrc((int) mappedSsrcs[i]);
            if (streamSsrcs[i] >= 0) {
                stream.setSsrc((int) streamSsrcs[i]);
            }
            dump.addStreams(stream);
        }
        return dump;
    }

    ProducerStats stats(long nowMs) {
        ProducerStats.Builder stats = ProducerStats.newBuilder()
                .setProducerId(id)
                .setTimestampMs(nowMs)
                .setPacketsReceived(packetsReceived)
                .setBytesReceived(bytesReceived)
                .setKeyFrameRequestsSent(keyFrameRequestsSent);
        for (DropReason reason : DropReason.values()) {
            if (drops[reason.ordinal()] > 0) {
                stats.putDroppedPackets(reason.statsName(), drops[reason.ordinal()]);
            }
        }
        return stats.addAllStreams(RtpStreamStatsWriter.inbound(this, nowMs, monotonicMillis.getAsLong())).build();
    }
}
