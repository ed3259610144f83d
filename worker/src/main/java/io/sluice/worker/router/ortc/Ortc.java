package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpHeaderExtension;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * RTP capability and parameter negotiation, as mediasoup's {@code ortc}: a router's capabilities
 * from the media codecs an application asks for; a producer's parameters checked and mapped onto
 * the router's payload types and SSRCs; the consumable parameters every consumer of it derives
 * from; and each consumer's parameters for what its endpoint can receive.
 *
 * <p>Errors name the request field: {@code media_codecs[...]}, {@code rtp_parameters...} or
 * {@code rtp_capabilities...}. Random SSRCs come from the given generator, so tests can fix them.
 */
public final class Ortc {

    private Ortc() {}

    /**
     * The capabilities of a router that routes the given media codecs: each codec as Sluice
     * supports it (with its RTCP feedback, and the application's parameters merged over the
     * table's), an RTX codec after each video codec, and the header extensions of the kinds present
     * (mediasoup lists all of them even for an audio-only router).
     *
     * <p>Payload types: the one a media codec prefers, else the codec's static one (PCMU 0, PCMA 8,
     * G722 9, CN 13), else the next free dynamic one from 100 up to 127 then 96 to 99. Unlike
     * mediasoup, preferred payload types are reserved before any dynamic one is handed out, so a
     * preference never collides with an earlier codec's allocated payload type.
     *
     * @throws SluiceException INVALID_ARGUMENT for an empty list, a malformed codec or two codecs
     *     on one payload type (field e.g. {@code media_codecs[2].clock_rate}); UNSUPPORTED for a
     *     codec Sluice cannot route; RESOURCE_EXHAUSTED when dynamic payload types run out
     */
    public static RtpCapabilities generateRouterRtpCapabilities(List<RtpCodecCapability> mediaCodecs)
            throws SluiceException {
        if (mediaCodecs == null || mediaCodecs.isEmpty()) {
            throw SluiceException.invalid("media_codecs", "a router needs at least one media codec");
        }
        List<RtpCodecCapability> requested = new ArrayList<>(mediaCodecs.size());
        List<RtpCodecCapability> supported = new ArrayList<>(mediaCodecs.size());
        for (int i = 0; i < mediaCodecs.size(); i++) {
            RtpCodecCapability codec = MediaCodecValidator.validate(mediaCodecs.get(i), mediaCodecPath(i));
            requested.add(codec);
            supported.add(findSupportedCodec(codec, mediaCodecPath(i)));
        }
        Integer[] fixedPayloadTypes = reserveFixedPayloadTypes(requested, supported);
        Set<Integer> reserved = new HashSet<>();
        for (Integer payloadType : fixedPayloadTypes) {
            if (payloadType != null) {
                reserved.add(payloadType);
            }
        }
        DynamicPayloadTypes dynamicPayloadTypes = new DynamicPayloadTypes(reserved);
        List<RtpCodecCapability> codecs = new ArrayList<>();
        Set<MediaKind> kinds = EnumSet.noneOf(MediaKind.class);
        for (int i = 0; i < requested.size(); i++) {
            RtpCodecCapability media = requested.get(i);
            int payloadType = fixedPayloadTypes[i] != null
                    ? fixedPayloadTypes[i]
                    : dynamicPayloadTypes.allocate(mediaCodecPath(i) + " (" + media.mimeType() + ")");
            Map<String, ParameterValue> parameters = new LinkedHashMap<>(supported.get(i).parameters());
            parameters.putAll(media.parameters());
            RtpCodecCapability codec = supported.get(i).withPreferredPayloadType(payloadType).withParameters(parameters);
            codecs.add(codec);
            kinds.add(codec.kind());
            if (codec.kind() == MediaKind.VIDEO) {
                int rtxPayloadType = dynamicPayloadTypes.allocate("the RTX codec of " + mediaCodecPath(i));
                codecs.add(rtxCodecFor(codec, rtxPayloadType));
            }
        }
        List<RtpHeaderExtension> extensions = new ArrayList<>();
        for (RtpHeaderExtension extension : SupportedRtpCapabilities.get().headerExtensions()) {
            if (kinds.contains(extension.kind())) {
                extensions.add(extension);
            }
        }
        return new RtpCapabilities(codecs, extensions);
    }

    /**
     * Checks a producer's RTP parameters (mediasoup's validateRtpParameters plus its worker's
     * checks) and returns them normalized: audio codecs get channels 1 when absent, and parameters
     * without encodings get one empty encoding.
     *
     * @throws SluiceException INVALID_ARGUMENT naming the field, e.g. {@code rtp_parameters.codecs[1].parameters.apt}
     */
    public static RtpParameters validateRtpParameters(RtpParameters parameters) throws SluiceException {
        return RtpParametersValidator.validate(parameters, "rtp_parameters");
    }

    /**
     * Checks an endpoint's RTP capabilities (mediasoup's validateRtpCapabilities) and returns them
     * normalized: codec kinds from their mime types, audio channels 1 when absent.
     *
     * @throws SluiceException INVALID_ARGUMENT naming the field, e.g. {@code rtp_capabilities.codecs[0].preferred_payload_type}
     */
    public static RtpCapabilities validateRtpCapabilities(RtpCapabilities capabilities) throws SluiceException {
        return RtpCapabilitiesValidator.validate(capabilities, "rtp_capabilities");
    }

    /**
     * How a producer's validated parameters map onto the router: each media codec to the router
     * codec it strictly matches (H.264 packetization mode and profile, VP9 profile), each RTX codec
     * to the router's RTX for that codec, and each encoding to a fresh SSRC (consecutive from a
     * random nine-digit start, as mediasoup).
     *
     * @throws SluiceException UNSUPPORTED for a codec the router lacks; INVALID_ARGUMENT for an RTX
     *     codec whose apt names no media codec
     */
    public static RtpMapping getProducerRtpParametersMapping(
            RtpParameters parameters, RtpCapabilities routerCapabilities, RandomGenerator random) throws SluiceException {
        return ProducerNegotiation.producerMapping(parameters, routerCapabilities, random);
    }

    /**
     * The parameters consumers of a producer derive from: the router's codecs (payload types, RTCP
     * feedback, RTX) with the producer's codec parameters, the router's header extensions of that
     * kind that it sends, the producer's encodings under their mapped SSRCs, its CNAME and msid.
     *
     * @throws IllegalArgumentException if the mapping was not made from these parameters and capabilities
     */
    public static RtpParameters getConsumableRtpParameters(
            MediaKind kind, RtpParameters parameters, RtpCapabilities routerCapabilities, RtpMapping mapping) {
        return ProducerNegotiation.consumableParameters(kind, parameters, routerCapabilities, mapping);
    }

    /**
     * Whether an endpoint with these capabilities can receive a producer: its first codec the
     * endpoint supports must be a media codec.
     *
     * @throws SluiceException INVALID_ARGUMENT when the capabilities are malformed
     */
    public static boolean canConsume(RtpParameters consumableParameters, RtpCapabilities remoteCapabilities)
            throws SluiceException {
        return ConsumerNegotiation.canConsume(consumableParameters, validateRtpCapabilities(remoteCapabilities));
    }

    /**
     * A consumer's parameters: the consumable codecs the endpoint supports (RTX only with a media
     * codec and when enabled, generic NACK only with RTX), the header extensions it supports under
     * the same ids, one congestion-control feedback (transport-cc, else REMB), and one encoding
     * with a random SSRC (RTX SSRC + 1) whose scalability mode covers the producer's simulcast
     * encodings, or for a pipe consumer every encoding under fresh SSRCs.
     *
     * @throws SluiceException INVALID_ARGUMENT when the capabilities are malformed; UNSUPPORTED
     *     when the endpoint supports none of the producer's media codecs
     */
    public static RtpParameters getConsumerRtpParameters(RtpParameters consumableParameters,
            RtpCapabilities remoteCapabilities, boolean pipe, boolean enableRtx, RandomGenerator random)
            throws SluiceException {
        return ConsumerNegotiation.consumerParameters(
                consumableParameters, validateRtpCapabilities(remoteCapabilities), pipe, enableRtx, random);
    }

    private static String mediaCodecPath(int index) {
        return "media_codecs[" + index + "]";
    }

    private static RtpCodecCapability findSupportedCodec(RtpCodecCapability codec, String path) throws SluiceException {
        for (RtpCodecCapability candidate : SupportedRtpCapabilities.get().codecs()) {
            if (CodecMatcher.matches(codec, candidate, false)) {
                return candidate;
            }
        }
        StringBuilder description = new StringBuilder("media codec not supported [mimeType:")
                .append(codec.mimeType())
                .append(", clockRate:")
                .append(Integer.toUnsignedString(codec.clockRate()));
        if (codec.hasChannels()) {
            description.append(", channels:").append(Integer.toUnsignedString(codec.channels()));
        }
        throw SluiceException.unsupported(path + ".mime_type", description.append(']').toString());
    }

    /**
     * The payload type each codec must have (its preferred one, else its static one), null where
     * a dynamic one will do; INVALID_ARGUMENT when two codecs need the same one.
     */
    private static Integer[] reserveFixedPayloadTypes(
            List<RtpCodecCapability> requested, List<RtpCodecCapability> supported) throws SluiceException {
        Integer[] fixed = new Integer[requested.size()];
        Map<Integer, Integer> owners = new HashMap<>();
        for (int i = 0; i < requested.size(); i++) {
            RtpCodecCapability media = requested.get(i);
            boolean preferred = media.hasPreferredPayloadType();
            if (!preferred && !supported.get(i).hasPreferredPayloadType()) {
                continue;
            }
            int payloadType = preferred
                    ? media.preferredPayloadType()
                    : supported.get(i).preferredPayloadType();
            Integer owner = owners.putIfAbsent(payloadType, i);
            if (owner != null) {
                String field = preferred ? mediaCodecPath(i) + ".preferred_payload_type" : mediaCodecPath(i);
                throw SluiceException.invalid(field, "duplicated payload type " + payloadType + ": "
                        + media.mimeType() + " and " + mediaCodecPath(owner) + " ("
                        + requested.get(owner).mimeType() + ") both need it");
            }
            fixed[i] = payloadType;
        }
        return fixed;
    }

    /** RTX for a video codec (RFC 4588 section 8.6): same clock rate, apt naming the codec's payload type. */
    private static RtpCodecCapability rtxCodecFor(RtpCodecCapability codec, int payloadType) {
        return new RtpCodecCapability(codec.kind(), "video/rtx", payloadType, codec.clockRate(), null,
                Map.of(CodecParameters.APT, CodecParameters.ofInt(codec.preferredPayloadType())), List.of());
    }
}
