package io.sluice.worker.router.ortc;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.api.v1.RtpHeaderExtensionDirection;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/** A producer's RTP parameters against its router's capabilities (mediasoup's producer half of ortc). */
final class ProducerNegotiation {

    /** mediasoup's random SSRC range: nine decimal digits, leaving room to count up within 32 bits. */
    static final long MIN_RANDOM_SSRC = 100_000_000L;
    static final long MAX_RANDOM_SSRC = 999_999_999L;

    private ProducerNegotiation() {}

    static long randomSsrc(RandomGenerator random) {
        return random.nextLong(MIN_RANDOM_SSRC, MAX_RANDOM_SSRC + 1);
    }

    static RtpMapping producerMapping(RtpParameters parameters, RtpCapabilities capabilities, RandomGenerator random)
            throws SluiceException {
        Map<RtpCodecParameters, RtpCodecCapability> capabilityOf = new LinkedHashMap<>();
        List<RtpCodecParameters> codecs = parameters.getCodecsList();
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodecParameters codec = codecs.get(i);
            if (CodecMatcher.isRtx(codec.getMimeType())) {
                continue;
            }
            String path = "rtp_parameters.codecs[" + i + "]";
            RtpCodecCapability matched = capabilities.getCodecsList().stream()
                    .filter(capability -> CodecMatcher.matches(codec, capability, true))
                    .findFirst()
                    .orElseThrow(() -> SluiceException.unsupported(path,
                            "unsupported codec [mimeType:" + codec.getMimeType() + ", payloadType:"
                                    + codec.getPayloadType() + "]"));
            capabilityOf.put(codec, matched);
        }
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodecParameters rtx = codecs.get(i);
            if (!CodecMatcher.isRtx(rtx.getMimeType())) {
                continue;
            }
            String path = "rtp_parameters.codecs[" + i + "]";
            long apt = CodecParameters.intValue(rtx.getParametersMap(), CodecParameters.APT).orElse(-1);
            RtpCodecParameters media = codecs.stream()
                    .filter(codec -> codec.getPayloadType() == apt && !CodecMatcher.isRtx(codec.getMimeType()))
                    .findFirst()
                    .orElseThrow(() -> SluiceException.invalid(path + ".parameters.apt",
                            "no media codec for RTX payload type " + rtx.getPayloadType()));
            int mappedMedia = capabilityOf.get(media).getPreferredPayloadType();
            RtpCodecCapability capabilityRtx = rtxCapabilityFor(capabilities, mappedMedia)
                    .orElseThrow(() -> SluiceException.unsupported(path,
                            "no RTX codec for capability codec payload type " + mappedMedia));
            capabilityOf.put(rtx, capabilityRtx);
        }
        List<RtpMapping.CodecMapping> codecMappings = new ArrayList<>();
        capabilityOf.forEach((codec, capability) -> codecMappings.add(
                new RtpMapping.CodecMapping(codec.getPayloadType(), capability.getPreferredPayloadType())));
        List<RtpMapping.EncodingMapping> encodingMappings = new ArrayList<>();
        long mappedSsrc = randomSsrc(random);
        for (RtpEncodingParameters encoding : parameters.getEncodingsList()) {
            OptionalLong ssrc = encoding.hasSsrc()
                    ? OptionalLong.of(Integer.toUnsignedLong(encoding.getSsrc()))
                    : OptionalLong.empty();
            encodingMappings.add(new RtpMapping.EncodingMapping(ssrc, encoding.getRid(), mappedSsrc++));
        }
        return new RtpMapping(codecMappings, encodingMappings);
    }

    static RtpParameters consumableParameters(MediaKind kind, RtpParameters parameters, RtpCapabilities capabilities,
            RtpMapping mapping) {
        if (mapping.encodings().size() != parameters.getEncodingsCount()) {
            throw new IllegalArgumentException("mapping has " + mapping.encodings().size() + " encodings, parameters "
                    + parameters.getEncodingsCount());
        }
        RtpParameters.Builder consumable = RtpParameters.newBuilder();
        for (RtpCodecParameters codec : parameters.getCodecsList()) {
            if (CodecMatcher.isRtx(codec.getMimeType())) {
                continue;
            }
            int mappedPayloadType = mapping.mappedPayloadType(codec.getPayloadType());
            RtpCodecCapability capability = capabilities.getCodecsList().stream()
                    .filter(candidate -> candidate.getPreferredPayloadType() == mappedPayloadType)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "mapping names router payload type " + mappedPayloadType + ", which the capabilities lack"));
            RtpCodecParameters.Builder consumableCodec = RtpCodecParameters.newBuilder()
                    .setMimeType(capability.getMimeType())
                    .setPayloadType(capability.getPreferredPayloadType())
                    .setClockRate(capability.getClockRate())
                    // Consumers get the producer's own codec parameters (they describe its stream).
                    .putAllParameters(answeredParameters(codec, capability))
                    .addAllRtcpFeedback(capability.getRtcpFeedbackList());
            if (capability.hasChannels()) {
                consumableCodec.setChannels(capability.getChannels());
            }
            consumable.addCodecs(consumableCodec);
            rtxCapabilityFor(capabilities, capability.getPreferredPayloadType()).ifPresent(rtx -> consumable.addCodecs(
                    RtpCodecParameters.newBuilder()
                            .setMimeType(rtx.getMimeType())
                            .setPayloadType(rtx.getPreferredPayloadType())
                            .setClockRate(rtx.getClockRate())
                            .putAllParameters(rtx.getParametersMap())
                            .addAllRtcpFeedback(rtx.getRtcpFeedbackList())));
        }
        for (RtpHeaderExtension extension : capabilities.getHeaderExtensionsList()) {
            boolean sent = extension.getDirection() == RtpHeaderExtensionDirection.SENDRECV
                    || extension.getDirection() == RtpHeaderExtensionDirection.SENDONLY;
            if (extension.getKind() != kind || !sent) {
                continue;
            }
            // abs-capture-time is only relayed from the producer's packets: announcing it to consumers
            // of a producer that does not send it would make them wait for something never coming.
            if (extension.getUri().equals(RtpHeaderExtensionUris.ABS_CAPTURE_TIME)
                    && parameters.getHeaderExtensionsList().stream()
                            .noneMatch(own -> own.getUri().equals(extension.getUri()))) {
                continue;
            }
            consumable.addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                    .setUri(extension.getUri())
                    .setId(extension.getPreferredId())
                    .setEncrypt(extension.getPreferredEncrypt()));
        }
        for (int i = 0; i < parameters.getEncodingsCount(); i++) {
            consumable.addEncodings(parameters.getEncodings(i).toBuilder()
                    .clearRid()
                    .clearRtx()
                    .clearCodecPayloadType()
                    .setSsrc((int) mapping.encodings().get(i).mappedSsrc()));
        }
        consumable.setRtcp(RtcpParameters.newBuilder()
                .setCname(parameters.getRtcp().getCname())
                .setReducedSize(true));
        consumable.setMsid(parameters.getMsid());
        return consumable.build();
    }

    /**
     * The producer codec's parameters, with an H.264 profile-level-id as answered against the
     * router's (RFC 6184 section 8.2.2), as mediasoup rewrites it while matching.
     */
    private static Map<String, ParameterValue> answeredParameters(
            RtpCodecParameters codec, RtpCodecCapability capability) {
        Map<String, ParameterValue> parameters = new LinkedHashMap<>(codec.getParametersMap());
        if (codec.getMimeType().equalsIgnoreCase("video/H264")) {
            Optional<String> answer = H264ProfileLevelId.answerProfileLevelId(
                    codec.getParametersMap(), capability.getParametersMap());
            if (answer.isPresent()) {
                parameters.put(CodecParameters.PROFILE_LEVEL_ID, CodecParameters.ofString(answer.get()));
            } else {
                parameters.remove(CodecParameters.PROFILE_LEVEL_ID);
            }
        }
        return parameters;
    }

    private static Optional<RtpCodecCapability> rtxCapabilityFor(RtpCapabilities capabilities, int mediaPayloadType) {
        return capabilities.getCodecsList().stream()
                .filter(codec -> CodecMatcher.isRtx(codec.getMimeType())
                        && CodecParameters.intValue(codec.getParametersMap(), CodecParameters.APT).orElse(-1)
                                == mediaPayloadType)
                .findFirst();
    }
}
