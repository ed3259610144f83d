package io.sluice.worker.control.mapping;

import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtcpFeedback;
import io.sluice.worker.router.parameters.RtcpParameters;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpEncodingParameters;
import io.sluice.worker.router.parameters.RtpHeaderExtension;
import io.sluice.worker.router.parameters.RtpHeaderExtensionDirection;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.parameters.RtxParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's RTP capability and parameter messages (rtp_parameters.proto) to the router's records
 * and back. Field presence carries over (an unset optional field is a null component and maps back
 * to an unset field), and codec parameters keep their order, so a round trip gives the same message.
 */
public final class RtpParametersMapper {

    private RtpParametersMapper() {}

    /**
     * An application's media codecs for a new router. A kind the schema does not know (a number
     * sent by a newer or broken client) is rejected here, since the router's records cannot carry it.
     *
     * @throws SluiceException INVALID_ARGUMENT naming {@code media_codecs[i].kind}
     */
    public static List<RtpCodecCapability> mediaCodecs(List<io.sluice.api.v1.RtpCodecCapability> codecs)
            throws SluiceException {
        List<RtpCodecCapability> mapped = new ArrayList<>(codecs.size());
        for (int i = 0; i < codecs.size(); i++) {
            io.sluice.api.v1.RtpCodecCapability codec = codecs.get(i);
            if (codec.getKind() == io.sluice.api.v1.MediaKind.UNRECOGNIZED) {
                throw SluiceException.invalid("media_codecs[" + i + "].kind",
                        "kind " + codec.getKind() + " does not match mime type " + codec.getMimeType());
            }
            mapped.add(toDomain(codec));
        }
        return mapped;
    }

    /** AUDIO or VIDEO; null for an unspecified or unknown kind, which validation then handles. */
    public static MediaKind toDomain(io.sluice.api.v1.MediaKind kind) {
        return switch (kind) {
            case AUDIO -> MediaKind.AUDIO;
            case VIDEO -> MediaKind.VIDEO;
            case MEDIA_KIND_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    public static io.sluice.api.v1.MediaKind toProto(MediaKind kind) {
        if (kind == null) {
            return io.sluice.api.v1.MediaKind.MEDIA_KIND_UNSPECIFIED;
        }
        return switch (kind) {
            case AUDIO -> io.sluice.api.v1.MediaKind.AUDIO;
            case VIDEO -> io.sluice.api.v1.MediaKind.VIDEO;
        };
    }

    public static RtpCapabilities toDomain(io.sluice.api.v1.RtpCapabilities capabilities) {
        List<RtpCodecCapability> codecs = new ArrayList<>(capabilities.getCodecsCount());
        for (io.sluice.api.v1.RtpCodecCapability codec : capabilities.getCodecsList()) {
            codecs.add(toDomain(codec));
        }
        List<RtpHeaderExtension> extensions = new ArrayList<>(capabilities.getHeaderExtensionsCount());
        for (io.sluice.api.v1.RtpHeaderExtension extension : capabilities.getHeaderExtensionsList()) {
            extensions.add(new RtpHeaderExtension(toDomain(extension.getKind()), extension.getUri(),
                    extension.getPreferredId(), extension.getPreferredEncrypt(), toDomain(extension.getDirection())));
        }
        return new RtpCapabilities(codecs, extensions);
    }

    public static io.sluice.api.v1.RtpCapabilities toProto(RtpCapabilities capabilities) {
        io.sluice.api.v1.RtpCapabilities.Builder proto = io.sluice.api.v1.RtpCapabilities.newBuilder();
        for (RtpCodecCapability codec : capabilities.codecs()) {
            proto.addCodecs(toProto(codec));
        }
        for (RtpHeaderExtension extension : capabilities.headerExtensions()) {
            proto.addHeaderExtensions(io.sluice.api.v1.RtpHeaderExtension.newBuilder()
                    .setKind(toProto(extension.kind()))
                    .setUri(extension.uri())
                    .setPreferredId(extension.preferredId())
                    .setPreferredEncrypt(extension.preferredEncrypt())
                    .setDirection(toProto(extension.direction())));
        }
        return proto.build();
    }

    public static RtpCodecCapability toDomain(io.sluice.api.v1.RtpCodecCapability codec) {
        return new RtpCodecCapability(toDomain(codec.getKind()), codec.getMimeType(),
                codec.hasPreferredPayloadType() ? codec.getPreferredPayloadType() : null, codec.getClockRate(),
                codec.hasChannels() ? codec.getChannels() : null, toDomain(codec.getParametersMap()),
                feedbackToDomain(codec.getRtcpFeedbackList()));
    }

    public static io.sluice.api.v1.RtpCodecCapability toProto(RtpCodecCapability codec) {
        io.sluice.api.v1.RtpCodecCapability.Builder proto = io.sluice.api.v1.RtpCodecCapability.newBuilder()
                .setKind(toProto(codec.kind()))
                .setMimeType(codec.mimeType())
                .setClockRate(codec.clockRate())
                .putAllParameters(toProto(codec.parameters()))
                .addAllRtcpFeedback(feedbackToProto(codec.rtcpFeedback()));
        if (codec.hasPreferredPayloadType()) {
            proto.setPreferredPayloadType(codec.preferredPayloadType());
        }
        if (codec.hasChannels()) {
            proto.setChannels(codec.channels());
        }
        return proto.build();
    }

    public static RtpParameters toDomain(io.sluice.api.v1.RtpParameters parameters) {
        List<RtpCodecParameters> codecs = new ArrayList<>(parameters.getCodecsCount());
        for (io.sluice.api.v1.RtpCodecParameters codec : parameters.getCodecsList()) {
            codecs.add(new RtpCodecParameters(codec.getMimeType(), codec.getPayloadType(), codec.getClockRate(),
                    codec.hasChannels() ? codec.getChannels() : null, toDomain(codec.getParametersMap()),
                    feedbackToDomain(codec.getRtcpFeedbackList())));
        }
        List<RtpHeaderExtensionParameters> extensions = new ArrayList<>(parameters.getHeaderExtensionsCount());
        for (io.sluice.api.v1.RtpHeaderExtensionParameters extension : parameters.getHeaderExtensionsList()) {
            extensions.add(new RtpHeaderExtensionParameters(extension.getUri(), extension.getId(),
                    extension.getEncrypt(), toDomain(extension.getParametersMap())));
        }
        List<RtpEncodingParameters> encodings = new ArrayList<>(parameters.getEncodingsCount());
        for (io.sluice.api.v1.RtpEncodingParameters encoding : parameters.getEncodingsList()) {
            encodings.add(toDomain(encoding));
        }
        RtcpParameters rtcp = parameters.hasRtcp()
                ? new RtcpParameters(parameters.getRtcp().getCname(),
                        parameters.getRtcp().hasReducedSize() ? parameters.getRtcp().getReducedSize() : null)
                : null;
        return new RtpParameters(parameters.getMid(), codecs, extensions, encodings, rtcp, parameters.getMsid());
    }

    public static io.sluice.api.v1.RtpParameters toProto(RtpParameters parameters) {
        io.sluice.api.v1.RtpParameters.Builder proto = io.sluice.api.v1.RtpParameters.newBuilder()
                .setMid(parameters.mid())
                .setMsid(parameters.msid());
        for (RtpCodecParameters codec : parameters.codecs()) {
            io.sluice.api.v1.RtpCodecParameters.Builder protoCodec = io.sluice.api.v1.RtpCodecParameters.newBuilder()
                    .setMimeType(codec.mimeType())
                    .setPayloadType(codec.payloadType())
                    .setClockRate(codec.clockRate())
                    .putAllParameters(toProto(codec.parameters()))
                    .addAllRtcpFeedback(feedbackToProto(codec.rtcpFeedback()));
            if (codec.hasChannels()) {
                protoCodec.setChannels(codec.channels());
            }
            proto.addCodecs(protoCodec);
        }
        for (RtpHeaderExtensionParameters extension : parameters.headerExtensions()) {
            proto.addHeaderExtensions(io.sluice.api.v1.RtpHeaderExtensionParameters.newBuilder()
                    .setUri(extension.uri())
                    .setId(extension.id())
                    .setEncrypt(extension.encrypt())
                    .putAllParameters(toProto(extension.parameters())));
        }
        for (RtpEncodingParameters encoding : parameters.encodings()) {
            proto.addEncodings(toProto(encoding));
        }
        if (parameters.rtcp() != null) {
            io.sluice.api.v1.RtcpParameters.Builder rtcp = io.sluice.api.v1.RtcpParameters.newBuilder()
                    .setCname(parameters.rtcp().cname());
            if (parameters.rtcp().reducedSize() != null) {
                rtcp.setReducedSize(parameters.rtcp().reducedSize());
            }
            proto.setRtcp(rtcp);
        }
        return proto.build();
    }

    public static RtpEncodingParameters toDomain(io.sluice.api.v1.RtpEncodingParameters encoding) {
        return new RtpEncodingParameters(
                encoding.hasSsrc() ? encoding.getSsrc() : null,
                encoding.getRid(),
                encoding.hasCodecPayloadType() ? encoding.getCodecPayloadType() : null,
                encoding.hasRtx() ? new RtxParameters(encoding.getRtx().getSsrc()) : null,
                encoding.getDtx(),
                encoding.getScalabilityMode(),
                encoding.hasMaxBitrate() ? encoding.getMaxBitrate() : null);
    }

    public static io.sluice.api.v1.RtpEncodingParameters toProto(RtpEncodingParameters encoding) {
        io.sluice.api.v1.RtpEncodingParameters.Builder proto = io.sluice.api.v1.RtpEncodingParameters.newBuilder()
                .setRid(encoding.rid())
                .setDtx(encoding.dtx())
                .setScalabilityMode(encoding.scalabilityMode());
        if (encoding.hasSsrc()) {
            proto.setSsrc(encoding.ssrc());
        }
        if (encoding.hasCodecPayloadType()) {
            proto.setCodecPayloadType(encoding.codecPayloadType());
        }
        if (encoding.hasRtx()) {
            proto.setRtx(io.sluice.api.v1.RtxParameters.newBuilder().setSsrc(encoding.rtx().ssrc()));
        }
        if (encoding.hasMaxBitrate()) {
            proto.setMaxBitrate(encoding.maxBitrate());
        }
        return proto.build();
    }

    public static RtcpFeedback toDomain(io.sluice.api.v1.RtcpFeedback feedback) {
        return new RtcpFeedback(feedback.getType(), feedback.getParameter());
    }

    public static io.sluice.api.v1.RtcpFeedback toProto(RtcpFeedback feedback) {
        return io.sluice.api.v1.RtcpFeedback.newBuilder()
                .setType(feedback.type())
                .setParameter(feedback.parameter())
                .build();
    }

    public static ParameterValue toDomain(io.sluice.api.v1.ParameterValue value) {
        return switch (value.getValueCase()) {
            case INT_VALUE -> ParameterValue.ofInt(value.getIntValue());
            case STRING_VALUE -> ParameterValue.ofString(value.getStringValue());
            case VALUE_NOT_SET -> ParameterValue.NONE;
        };
    }

    public static io.sluice.api.v1.ParameterValue toProto(ParameterValue value) {
        io.sluice.api.v1.ParameterValue.Builder proto = io.sluice.api.v1.ParameterValue.newBuilder();
        if (value.hasIntValue()) {
            proto.setIntValue(value.intValue());
        } else if (value.hasStringValue()) {
            proto.setStringValue(value.stringValue());
        }
        return proto.build();
    }

    private static RtpHeaderExtensionDirection toDomain(io.sluice.api.v1.RtpHeaderExtensionDirection direction) {
        return switch (direction) {
            case SENDRECV -> RtpHeaderExtensionDirection.SENDRECV;
            case SENDONLY -> RtpHeaderExtensionDirection.SENDONLY;
            case RECVONLY -> RtpHeaderExtensionDirection.RECVONLY;
            case INACTIVE -> RtpHeaderExtensionDirection.INACTIVE;
            case DIRECTION_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }

    private static io.sluice.api.v1.RtpHeaderExtensionDirection toProto(RtpHeaderExtensionDirection direction) {
        if (direction == null) {
            return io.sluice.api.v1.RtpHeaderExtensionDirection.DIRECTION_UNSPECIFIED;
        }
        return switch (direction) {
            case SENDRECV -> io.sluice.api.v1.RtpHeaderExtensionDirection.SENDRECV;
            case SENDONLY -> io.sluice.api.v1.RtpHeaderExtensionDirection.SENDONLY;
            case RECVONLY -> io.sluice.api.v1.RtpHeaderExtensionDirection.RECVONLY;
            case INACTIVE -> io.sluice.api.v1.RtpHeaderExtensionDirection.INACTIVE;
        };
    }

    private static Map<String, ParameterValue> toDomain(Map<String, io.sluice.api.v1.ParameterValue> parameters) {
        Map<String, ParameterValue> mapped = new LinkedHashMap<>();
        parameters.forEach((key, value) -> mapped.put(key, toDomain(value)));
        return mapped;
    }

    private static Map<String, io.sluice.api.v1.ParameterValue> toProto(Map<String, ParameterValue> parameters) {
        Map<String, io.sluice.api.v1.ParameterValue> mapped = new LinkedHashMap<>();
        parameters.forEach((key, value) -> mapped.put(key, toProto(value)));
        return mapped;
    }

    private static List<RtcpFeedback> feedbackToDomain(List<io.sluice.api.v1.RtcpFeedback> feedback) {
        return feedback.stream().map(RtpParametersMapper::toDomain).toList();
    }

    private static List<io.sluice.api.v1.RtcpFeedback> feedbackToProto(List<RtcpFeedback> feedback) {
        return feedback.stream().map(RtpParametersMapper::toProto).toList();
    }
}
