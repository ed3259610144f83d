package io.sluice.api.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.api.v1.RtpHeaderExtensionDirection;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Protobuf RTP capabilities and parameters to and from the JSON of mediasoup's TypeScript types
 * ({@code RtpCapabilities}, {@code RtpParameters}), which mediasoup-client takes unchanged. Codec
 * parameter values keep their type: {@code int_value} is a JSON number (mediasoup-client rejects
 * {@code apt} as a string), {@code string_value} a JSON string.
 *
 * <p>Reading checks types and ranges only (what protobuf cannot hold is rejected with the JSON
 * path); whether the values make sense is the worker's business. Unknown members are ignored, as
 * mediasoup-client adds some (encodings' {@code active}, {@code scaleResolutionDownBy}, ...).
 */
public final class RtpJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RtpJson() {}

    // ---- protobuf to JSON

    public static ObjectNode toJson(RtpCapabilities capabilities) {
        ObjectNode json = NODES.objectNode();
        ArrayNode codecs = json.putArray("codecs");
        capabilities.getCodecsList().forEach(codec -> codecs.add(toJson(codec)));
        ArrayNode extensions = json.putArray("headerExtensions");
        capabilities.getHeaderExtensionsList().forEach(extension -> extensions.add(toJson(extension)));
        return json;
    }

    public static ObjectNode toJson(RtpCodecCapability codec) {
        ObjectNode json = NODES.objectNode();
        if (codec.getKind() == MediaKind.AUDIO || codec.getKind() == MediaKind.VIDEO) {
            json.put("kind", kindName(codec.getKind()));
        }
        json.put("mimeType", codec.getMimeType());
        if (codec.hasPreferredPayloadType()) {
            putNumber(json, "preferredPayloadType", Integer.toUnsignedLong(codec.getPreferredPayloadType()));
        }
        putNumber(json, "clockRate", Integer.toUnsignedLong(codec.getClockRate()));
        if (codec.hasChannels()) {
            putNumber(json, "channels", Integer.toUnsignedLong(codec.getChannels()));
        }
        json.set("parameters", parametersToJson(codec.getParametersMap()));
        json.set("rtcpFeedback", feedbackToJson(codec.getRtcpFeedbackList()));
        return json;
    }

    public static ObjectNode toJson(RtpHeaderExtension extension) {
        ObjectNode json = NODES.objectNode();
        if (extension.getKind() == MediaKind.AUDIO || extension.getKind() == MediaKind.VIDEO) {
            json.put("kind", kindName(extension.getKind()));
        }
        json.put("uri", extension.getUri());
        putNumber(json, "preferredId", Integer.toUnsignedLong(extension.getPreferredId()));
        json.put("preferredEncrypt", extension.getPreferredEncrypt());
        String direction = directionName(extension.getDirection());
        if (direction != null) {
            json.put("direction", direction);
        }
        return json;
    }

    public static ObjectNode toJson(RtpParameters parameters) {
        ObjectNode json = NODES.objectNode();
        if (!parameters.getMid().isEmpty()) {
            json.put("mid", parameters.getMid());
        }
        ArrayNode codecs = json.putArray("codecs");
        for (RtpCodecParameters codec : parameters.getCodecsList()) {
            ObjectNode codecJson = codecs.addObject();
            codecJson.put("mimeType", codec.getMimeType());
            putNumber(codecJson, "payloadType", Integer.toUnsignedLong(codec.getPayloadType()));
            putNumber(codecJson, "clockRate", Integer.toUnsignedLong(codec.getClockRate()));
            if (codec.hasChannels()) {
                putNumber(codecJson, "channels", Integer.toUnsignedLong(codec.getChannels()));
            }
            codecJson.set("parameters", parametersToJson(codec.getParametersMap()));
            codecJson.set("rtcpFeedback", feedbackToJson(codec.getRtcpFeedbackList()));
        }
        ArrayNode extensions = json.putArray("headerExtensions");
        for (RtpHeaderExtensionParameters extension : parameters.getHeaderExtensionsList()) {
            ObjectNode extensionJson = extensions.addObject();
            extensionJson.put("uri", extension.getUri());
            putNumber(extensionJson, "id", Integer.toUnsignedLong(extension.getId()));
            extensionJson.put("encrypt", extension.getEncrypt());
            extensionJson.set("parameters", parametersToJson(extension.getParametersMap()));
        }
        ArrayNode encodings = json.putArray("encodings");
        parameters.getEncodingsList().forEach(encoding -> encodings.add(toJson(encoding)));
        if (parameters.hasRtcp()) {
            ObjectNode rtcp = json.putObject("rtcp");
            if (!parameters.getRtcp().getCname().isEmpty()) {
                rtcp.put("cname", parameters.getRtcp().getCname());
            }
            if (parameters.getRtcp().hasReducedSize()) {
                rtcp.put("reducedSize", parameters.getRtcp().getReducedSize());
            }
        }
        if (!parameters.getMsid().isEmpty()) {
            json.put("msid", parameters.getMsid());
        }
        return json;
    }

    public static ObjectNode toJson(RtpEncodingParameters encoding) {
        ObjectNode json = NODES.objectNode();
        if (encoding.hasSsrc()) {
            putNumber(json, "ssrc", Integer.toUnsignedLong(encoding.getSsrc()));
        }
        if (!encoding.getRid().isEmpty()) {
            json.put("rid", encoding.getRid());
        }
        if (encoding.hasCodecPayloadType()) {
            putNumber(json, "codecPayloadType", Integer.toUnsignedLong(encoding.getCodecPayloadType()));
        }
        if (encoding.hasRtx()) {
            putNumber(json.putObject("rtx"), "ssrc", Integer.toUnsignedLong(encoding.getRtx().getSsrc()));
        }
        if (encoding.getDtx()) {
            json.put("dtx", true);
        }
        if (!encoding.getScalabilityMode().isEmpty()) {
            json.put("scalabilityMode", encoding.getScalabilityMode());
        }
        if (encoding.hasMaxBitrate()) {
            putNumber(json, "maxBitrate", Integer.toUnsignedLong(encoding.getMaxBitrate()));
        }
        return json;
    }

    public static String write(RtpCapabilities capabilities) {
        return toJson(capabilities).toString();
    }

    public static String write(RtpParameters parameters) {
        return toJson(parameters).toString();
    }

    // ---- JSON to protobuf

    public static RtpCapabilities readCapabilities(String json) {
        return capabilitiesFromJson(parse(json));
    }

    public static RtpParameters readParameters(String json) {
        return parametersFromJson(parse(json));
    }

    public static RtpCapabilities capabilitiesFromJson(JsonNode json) {
        JsonObject root = JsonObject.of(json, "");
        RtpCapabilities.Builder capabilities = RtpCapabilities.newBuilder();
        root.forEachElement("codecs", (codec, path) -> capabilities.addCodecs(codecCapabilityFromJson(codec, path)));
        root.forEachElement("headerExtensions",
                (extension, path) -> capabilities.addHeaderExtensions(headerExtensionFromJson(extension, path)));
        return capabilities.build();
    }

    /** One codec capability, e.g. an entry of a router's {@code mediaCodecs}. */
    public static RtpCodecCapability codecCapabilityFromJson(JsonNode json, String path) {
        JsonObject codec = JsonObject.of(json, path);
        RtpCodecCapability.Builder builder = RtpCodecCapability.newBuilder()
                .setMimeType(codec.requiredString("mimeType"))
                .setClockRate(codec.requiredUint32("clockRate"));
        codec.optionalString("kind").ifPresent(kind -> builder.setKind(kindOf(kind, codec.path("kind"))));
        codec.optionalUint32("preferredPayloadType").ifPresent(builder::setPreferredPayloadType);
        codec.optionalUint32("channels").ifPresent(builder::setChannels);
        builder.putAllParameters(parametersFromJson(codec, "parameters"));
        codec.forEachElement("rtcpFeedback", (feedback, feedbackPath) -> builder.addRtcpFeedback(feedbackFromJson(feedback, feedbackPath)));
        return builder.build();
    }

    public static RtpParameters parametersFromJson(JsonNode json) {
        JsonObject root = JsonObject.of(json, "");
        RtpParameters.Builder parameters = RtpParameters.newBuilder();
        root.optionalString("mid").ifPresent(parameters::setMid);
        root.requireArray("codecs");
        root.forEachElement("codecs", (codecJson, path) -> {
            JsonObject codec = JsonObject.of(codecJson, path);
            RtpCodecParameters.Builder builder = RtpCodecParameters.newBuilder()
                    .setMimeType(codec.requiredString("mimeType"))
                    .setPayloadType(codec.requiredUint32("payloadType"))
                    .setClockRate(codec.requiredUint32("clockRate"));
            codec.optionalUint32("channels").ifPresent(builder::setChannels);
            builder.putAllParameters(parametersFromJson(codec, "parameters"));
            codec.forEachElement("rtcpFeedback", (feedback, feedbackPath) -> builder.addRtcpFeedback(feedbackFromJson(feedback, feedbackPath)));
            parameters.addCodecs(builder);
        });
        root.forEachElement("headerExtensions", (extensionJson, path) -> {
            JsonObject extension = JsonObject.of(extensionJson, path);
            RtpHeaderExtensionParameters.Builder builder = RtpHeaderExtensionParameters.newBuilder()
                    .setUri(extension.requiredString("uri"))
                    .setId(extension.requiredUint32("id"));
            extension.optionalBoolean("encrypt").ifPresent(builder::setEncrypt);
            builder.putAllParameters(parametersFromJson(extension, "parameters"));
            parameters.addHeaderExtensions(builder);
        });
        root.forEachElement("encodings", (encoding, path) -> parameters.addEncodings(encodingFromJson(encoding, path)));
        root.optionalObject("rtcp").ifPresent(rtcp -> {
            RtcpParameters.Builder builder = RtcpParameters.newBuilder();
            rtcp.optionalString("cname").ifPresent(builder::setCname);
            rtcp.optionalBoolean("reducedSize").ifPresent(builder::setReducedSize);
            parameters.setRtcp(builder);
        });
        root.optionalString("msid").ifPresent(parameters::setMsid);
        return parameters.build();
    }

    private static RtpEncodingParameters encodingFromJson(JsonNode json, String path) {
        JsonObject encoding = JsonObject.of(json, path);
        RtpEncodingParameters.Builder builder = RtpEncodingParameters.newBuilder();
        encoding.optionalUint32("ssrc").ifPresent(builder::setSsrc);
        encoding.optionalString("rid").ifPresent(builder::setRid);
        encoding.optionalUint32("codecPayloadType").ifPresent(builder::setCodecPayloadType);
        encoding.optionalObject("rtx").ifPresent(rtx ->
                builder.setRtx(RtxParameters.newBuilder().setSsrc(rtx.requiredUint32("ssrc"))));
        encoding.optionalBoolean("dtx").ifPresent(builder::setDtx);
        encoding.optionalString("scalabilityMode").ifPresent(builder::setScalabilityMode);
        encoding.optionalUint32("maxBitrate").ifPresent(builder::setMaxBitrate);
        return builder.build();
    }

    private static RtpHeaderExtension headerExtensionFromJson(JsonNode json, String path) {
        JsonObject extension = JsonObject.of(json, path);
        RtpHeaderExtension.Builder builder = RtpHeaderExtension.newBuilder()
                .setUri(extension.requiredString("uri"))
                .setPreferredId(extension.requiredUint32("preferredId"));
        extension.optionalString("kind").ifPresent(kind -> builder.setKind(kindOf(kind, extension.path("kind"))));
        extension.optionalBoolean("preferredEncrypt").ifPresent(builder::setPreferredEncrypt);
        extension.optionalString("direction")
                .ifPresent(direction -> builder.setDirection(directionOf(direction, extension.path("direction"))));
        return builder.build();
    }

    private static RtcpFeedback feedbackFromJson(JsonNode json, String path) {
        JsonObject feedback = JsonObject.of(json, path);
        RtcpFeedback.Builder builder = RtcpFeedback.newBuilder().setType(feedback.requiredString("type"));
        feedback.optionalString("parameter").ifPresent(builder::setParameter);
        return builder.build();
    }

    /** Codec or extension parameters: each value a string or an integral number. */
    private static Map<String, ParameterValue> parametersFromJson(JsonObject owner, String member) {
        Map<String, ParameterValue> values = new LinkedHashMap<>();
        owner.optionalObject(member).ifPresent(parameters -> parameters.forEachMember((name, value, path) -> {
            if (value.isTextual()) {
                values.put(name, ParameterValue.newBuilder().setStringValue(value.asText()).build());
            } else if (value.isNumber()) {
                values.put(name, ParameterValue.newBuilder().setIntValue(JsonObject.integral(value, path)).build());
            } else {
                throw new RtpJsonException(path, "a codec parameter is a string or a number");
            }
        }));
        return values;
    }

    private static ObjectNode parametersToJson(Map<String, ParameterValue> parameters) {
        ObjectNode json = NODES.objectNode();
        // Sorted, so that the same parameters always give the same JSON.
        new TreeMap<>(parameters).forEach((name, value) -> {
            switch (value.getValueCase()) {
                case INT_VALUE -> putNumber(json, name, value.getIntValue());
                case STRING_VALUE -> json.put(name, value.getStringValue());
                case VALUE_NOT_SET -> json.put(name, "");
            }
        });
        return json;
    }

    private static ArrayNode feedbackToJson(Iterable<RtcpFeedback> feedback) {
        ArrayNode json = NODES.arrayNode();
        for (RtcpFeedback entry : feedback) {
            json.addObject().put("type", entry.getType()).put("parameter", entry.getParameter());
        }
        return json;
    }

    /** A JSON number, written as an int when it fits so that it compares equal to parsed JSON. */
    private static void putNumber(ObjectNode json, String name, long value) {
        if (value == (int) value) {
            json.put(name, (int) value);
        } else {
            json.put(name, value);
        }
    }

    private static String kindName(MediaKind kind) {
        return kind == MediaKind.AUDIO ? "audio" : "video";
    }

    private static MediaKind kindOf(String name, String path) {
        return switch (name) {
            case "audio" -> MediaKind.AUDIO;
            case "video" -> MediaKind.VIDEO;
            default -> throw new RtpJsonException(path, "kind is \"audio\" or \"video\", not \"" + name + "\"");
        };
    }

    private static String directionName(RtpHeaderExtensionDirection direction) {
        return switch (direction) {
            case SENDRECV -> "sendrecv";
            case SENDONLY -> "sendonly";
            case RECVONLY -> "recvonly";
            case INACTIVE -> "inactive";
            case DIRECTION_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    private static RtpHeaderExtensionDirection directionOf(String name, String path) {
        return switch (name) {
            case "sendrecv" -> RtpHeaderExtensionDirection.SENDRECV;
            case "sendonly" -> RtpHeaderExtensionDirection.SENDONLY;
            case "recvonly" -> RtpHeaderExtensionDirection.RECVONLY;
            case "inactive" -> RtpHeaderExtensionDirection.INACTIVE;
            default -> throw new RtpJsonException(path, "unknown direction \"" + name + "\"");
        };
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RtpJsonException("", "not JSON: " + e.getOriginalMessage());
        }
    }
}
