package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerScore;
import io.sluice.api.v1.ConsumerStats;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.IceState;
import io.sluice.api.v1.ProducerScore;
import io.sluice.api.v1.ProducerStats;
import io.sluice.api.v1.RtpStreamScore;
import io.sluice.api.v1.RtpStreamStats;
import java.util.Locale;
import java.util.Optional;

/**
 * Layers, scores, statistics and transport states as the page reads them (docs/signaling.md),
 * in the shapes and names of mediasoup's JSON ({@code ConsumerLayers}, {@code ConsumerScore},
 * {@code RtpStreamRecvStats}...), so a mediasoup demo's handlers fit.
 */
final class MediaStateJson {

    private MediaStateJson() {}

    /** {@code {spatialLayer, temporalLayer}}, temporalLayer null when unset; both null when empty. */
    static ObjectNode layers(Optional<ConsumerLayers> layers) {
        ObjectNode json = SignalingJson.NODES.objectNode();
        if (layers.isEmpty()) {
            json.putNull("spatialLayer");
            json.putNull("temporalLayer");
            return json;
        }
        json.put("spatialLayer", layers.get().getSpatialLayer());
        if (layers.get().hasTemporalLayer()) {
            json.put("temporalLayer", layers.get().getTemporalLayer());
        } else {
            json.putNull("temporalLayer");
        }
        return json;
    }

    /** {@code spatialLayer} (required, 0..) and {@code temporalLayer} (optional) of a request. */
    static ConsumerLayers layersFromRequest(JsonNode data, String path) {
        JsonNode spatial = data.get("spatialLayer");
        if (spatial == null || !spatial.canConvertToInt() || !spatial.isIntegralNumber() || spatial.asInt() < 0) {
            throw invalid(path + ".spatialLayer: expected an integer >= 0");
        }
        ConsumerLayers.Builder layers = ConsumerLayers.newBuilder().setSpatialLayer(spatial.asInt());
        JsonNode temporal = data.get("temporalLayer");
        if (temporal != null && !temporal.isNull()) {
            if (!temporal.isIntegralNumber() || !temporal.canConvertToInt() || temporal.asInt() < 0) {
                throw invalid(path + ".temporalLayer: expected an integer >= 0 or null");
            }
            layers.setTemporalLayer(temporal.asInt());
        }
        return layers.build();
    }

    /** mediasoup's consumer score: {@code {score, producerScore, producerScores}}. */
    static ObjectNode consumerScore(ConsumerScore score) {
        ObjectNode json = SignalingJson.NODES.objectNode();
        json.put("score", score.getScore()).put("producerScore", score.getProducerScore());
        ArrayNode producerScores = json.putArray("producerScores");
        score.getProducerScoresList().forEach(producerScores::add);
        return json;
    }

    /** mediasoup's producer score: one {@code {encodingIdx, ssrc, rid, score}} per stream. */
    static ArrayNode producerScore(ProducerScore score) {
        ArrayNode json = SignalingJson.NODES.arrayNode();
        for (RtpStreamScore stream : score.getScoresList()) {
            ObjectNode entry = json.addObject();
            entry.put("encodingIdx", stream.getEncodingIdx()).put("ssrc", Integer.toUnsignedLong(stream.getSsrc()));
            if (!stream.getRid().isEmpty()) {
                entry.put("rid", stream.getRid());
            }
            entry.put("score", stream.getScore());
        }
        return json;
    }

    static ObjectNode consumerStats(ConsumerStats stats) {
        ObjectNode json = SignalingJson.NODES.objectNode();
        json.put("consumerId", stats.getConsumerId()).put("timestamp", stats.getTimestampMs())
                .put("packetsSent", stats.getPacketsSent()).put("bytesSent", stats.getBytesSent())
                .put("keyFrameRequestsReceived", stats.getKeyFrameRequestsReceived());
        json.set("currentLayers", layers(stats.hasCurrentLayers()
                ? Optional.of(stats.getCurrentLayers()) : Optional.empty()));
        ArrayNode streams = json.putArray("streams");
        stats.getStreamsList().forEach(stream -> streams.add(streamStats(stream)));
        return json;
    }

    static ObjectNode producerStats(ProducerStats stats) {
        ObjectNode json = SignalingJson.NODES.objectNode();
        json.put("producerId", stats.getProducerId()).put("timestamp", stats.getTimestampMs())
                .put("packetsReceived", stats.getPacketsReceived()).put("bytesReceived", stats.getBytesReceived())
                .put("keyFrameRequestsSent", stats.getKeyFrameRequestsSent());
        ArrayNode streams = json.putArray("streams");
        stats.getStreamsList().forEach(stream -> streams.add(streamStats(stream)));
        return json;
    }

    private static ObjectNode streamStats(RtpStreamStats stream) {
        ObjectNode json = SignalingJson.NODES.objectNode();
        json.put("type", stream.getType()).put("timestamp", stream.getTimestampMs())
                .put("ssrc", Integer.toUnsignedLong(stream.getSsrc()));
        if (stream.getRtxSsrc() != 0) {
            json.put("rtxSsrc", Integer.toUnsignedLong(stream.getRtxSsrc()));
        }
        if (!stream.getRid().isEmpty()) {
            json.put("rid", stream.getRid());
        }
        json.put("kind", SignalingJson.kindName(stream.getKind())).put("mimeType", stream.getMimeType())
                .put("packetCount", stream.getPacketCount()).put("byteCount", stream.getByteCount())
                .put("packetsLost", stream.getPacketsLost()).put("fractionLost", stream.getFractionLost())
                .put("packetsDiscarded", stream.getPacketsDiscarded())
                .put("packetsRetransmitted", stream.getPacketsRetransmitted())
                .put("packetsRepaired", stream.getPacketsRepaired()).put("nackCount", stream.getNackCount())
                .put("nackPacketCount", stream.getNackPacketCount()).put("pliCount", stream.getPliCount())
                .put("firCount", stream.getFirCount()).put("score", stream.getScore())
                .put("bitrate", stream.getBitrate()).put("roundTripTime", stream.getRoundTripTime())
                .put("jitter", stream.getJitter());
        return json;
    }

    /** mediasoup's iceState names: "new", "connected", "completed", "disconnected", "closed". */
    static String iceStateName(IceState state) {
        return stateName(state.name(), "ICE_");
    }

    /** mediasoup's dtlsState names: "new", "connecting", "connected", "failed", "closed". */
    static String dtlsStateName(DtlsState state) {
        return stateName(state.name(), "DTLS_");
    }

    private static String stateName(String enumName, String prefix) {
        if (!enumName.startsWith(prefix) || enumName.endsWith("UNSPECIFIED")) {
            return "unknown";
        }
        return enumName.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }

    private static SignalingException invalid(String message) {
        return new SignalingException(SignalingException.INVALID_ARGUMENT, message);
    }
}
