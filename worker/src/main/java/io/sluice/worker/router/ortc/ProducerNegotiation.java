package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtcpParameters;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpEncodingParameters;
import io.sluice.worker.router.parameters.RtpHeaderExtension;
import io.sluice.worker.router.parameters.RtpHeaderExtensionDirection;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
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
        List<RtpCodecParameters> codecs = parameters.codecs();
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodecParameters codec = codecs.get(i);
            if (CodecMatcher.isRtx(codec.mimeType())) {
                continue;
            }
            String path = "rtp_parameters.codecs[" + i + "]";
            RtpCodecCapability matched = capabilities.codecs().stream()
                    .filter(capability -> CodecMatcher.matches(codec, capability, true))
                    .findFirst()
                    .orElseThrow(() -> SluiceException.unsupported(path,
                            "unsupported codec [mimeType:" + codec.mimeType() + ", payloadType:"
                                    + codec.payloadType() + "]"));
            capabilityOf.put(codec, matched);
        }
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodecParameters rtx = codecs.get(i);
            if (!CodecMatcher.isRtx(rtx.mimeType())) {
                continue;
            }
            String path = "rtp_parameters.codecs[" + i + "]";
            long apt = CodecParameters.intValue(rtx.parameters(), CodecParameters.APT).orElse(-1);
            RtpCodecParameters media = codecs.stream()
                    .filter(codec -> codec.payloadType() == apt && !CodecMatcher.isRtx(codec.mimeType()))
                    .findFirst()
                    .orElseThrow(() -> SluiceException.invalid(path + ".parameters.apt",
                            "no media codec for RTX payload type " + rtx.payloadType()));
            int mappedMedia = capabilityOf.get(media).preferredPayloadType();
            RtpCodecCapability capabilityRtx = rtxCapabilityFor(capabilities, mappedMedia)
                    .orElseThrow(() -> SluiceException.unsupported(path,
                            "no RTX codec for capability codec payload type " + mappedMedia));
            capabilityOf.put(rtx, capabilityRtx);
        }
        List<RtpMapping.CodecMapping> codecMappings = new ArrayList<>();
        capabilityOf.forEach((codec, capability) -> codecMappings.add(
                new RtpMapping.CodecMapping(codec.payloadType(), capability.preferredPayloadType())));
        List<RtpMapping.EncodingMapping> encodingMappings = new ArrayList<>();
        long mappedSsrc = randomSsrc(random);
        for (RtpEncodingParameters encoding : parameters.encodings()) {
            OptionalLong ssrc = encoding.hasSsrc()
                    ? OptionalLong.of(Integer.toUnsignedLong(encoding.ssrc()))
                    : OptionalLong.empty();
            encodingMappings.add(new RtpMapping.EncodingMapping(ssrc, encoding.rid(), mappedSsrc++));
        }
        return new RtpMapping(codecMappings, encodingMappings);
    }

    static RtpParameters consumableParameters(MediaKind kind, RtpParameters parameters, RtpCapabilities capabilities,
            RtpMapping mapping) {
        if (mapping.encodings().size() != parameters.encodings().size()) {
            throw new IllegalArgumentException("mapping has " + mapping.encodings().size() + " encodings, parameters "
                    + parameters.encodings().size());
        }
        List<RtpCodecParameters> codecs = new ArrayList<>();
        for (RtpCodecParameters codec : parameters.codecs()) {
            if (CodecMatcher.isRtx(codec.mimeType())) {
                continue;
            }
            int mappedPayloadType = mapping.mappedPayloadType(codec.payloadType());
            RtpCodecCapability capability = capabilities.codecs().stream()
                    .filter(candidate -> candidate.preferredPayloadType() == mappedPayloadType)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "mapping names router payload type " + mappedPayloadType + ", which the capabilities lack"));
            // Consumers get the producer's own codec parameters (they describe its stream).
            codecs.add(new RtpCodecParameters(capability.mimeType(), capability.preferredPayloadType(),
                    capability.clockRate(), capability.channels(), answeredParameters(codec, capability),
                    capability.rtcpFeedback()));
            rtxCapabilityFor(capabilities, capability.preferredPayloadType()).ifPresent(rtx -> codecs.add(
                    new RtpCodecParameters(rtx.mimeType(), rtx.preferredPayloadType(), rtx.clockRate(), null,
                            rtx.parameters(), rtx.rtcpFeedback())));
        }
        List<RtpHeaderExtensionParameters> extensions = new ArrayList<>();
        for (RtpHeaderExtension extension : capabilities.headerExtensions()) {
            boolean sent = extension.direction() == RtpHeaderExtensionDirection.SENDRECV
                    || extension.direction() == RtpHeaderExtensionDirection.SENDONLY;
            if (extension.kind() != kind || !sent) {
                continue;
            }
            // abs-capture-time is only relayed from the producer's packets: announcing it to consumers
            // of a producer that does not send it would make them wait for something never coming.
            if (extension.uri().equals(RtpHeaderExtensionUris.ABS_CAPTURE_TIME)
                    && parameters.headerExtensions().stream()
                            .noneMatch(own -> own.uri().equals(extension.uri()))) {
                continue;
            }
            extensions.add(new RtpHeaderExtensionParameters(
                    extension.uri(), extension.preferredId(), extension.preferredEncrypt()));
        }
        List<RtpEncodingParameters> encodings = new ArrayList<>(parameters.encodings().size());
        for (int i = 0; i < parameters.encodings().size(); i++) {
            encodings.add(parameters.encodings().get(i).asConsumable((int) mapping.encodings().get(i).mappedSsrc()));
        }
        return new RtpParameters("", codecs, extensions, encodings,
                new RtcpParameters(parameters.rtcpOrEmpty().cname(), true), parameters.msid());
    }

    /**
     * The producer codec's parameters, with an H.264 profile-level-id as answered against the
     * router's (RFC 6184 section 8.2.2), as mediasoup rewrites it while matching.
     */
    private static Map<String, ParameterValue> answeredParameters(
            RtpCodecParameters codec, RtpCodecCapability capability) {
        Map<String, ParameterValue> parameters = new LinkedHashMap<>(codec.parameters());
        if (codec.mimeType().equalsIgnoreCase("video/H264")) {
            Optional<String> answer = H264ProfileLevelId.answerProfileLevelId(
                    codec.parameters(), capability.parameters());
            if (answer.isPresent()) {
                parameters.put(CodecParameters.PROFILE_LEVEL_ID, CodecParameters.ofString(answer.get()));
            } else {
                parameters.remove(CodecParameters.PROFILE_LEVEL_ID);
            }
        }
        return parameters;
    }

    private static Optional<RtpCodecCapability> rtxCapabilityFor(RtpCapabilities capabilities, int mediaPayloadType) {
        return capabilities.codecs().stream()
                .filter(codec -> CodecMatcher.isRtx(codec.mimeType())
                        && CodecParameters.intValue(codec.parameters(), CodecParameters.APT).orElse(-1)
                                == mediaPayloadType)
                .findFirst();
    }
}
