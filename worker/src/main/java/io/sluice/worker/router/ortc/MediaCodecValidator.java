package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.SluiceException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks one media codec an application asks a router for (mediasoup's
 * validateRtpCodecCapability) and normalizes it: kind taken from the mime type, channels 1 for
 * audio when absent. Every failure names the field, e.g. {@code media_codecs[2].clock_rate}.
 */
final class MediaCodecValidator {

    /** type "/" subtype (RFC 6838 section 4.2), where the type is the media kind. */
    private static final Pattern MIME_TYPE = Pattern.compile("^(audio|video)/(.+)$", Pattern.CASE_INSENSITIVE);
    /** The 7-bit RTP payload type field (RFC 3550 section 5.1). */
    static final int MAX_PAYLOAD_TYPE = 127;

    private MediaCodecValidator() {}

    static RtpCodecCapability validate(RtpCodecCapability codec, String path) throws SluiceException {
        MediaKind kind = kindOfMimeType(codec.mimeType(), path + ".mime_type");
        if (CodecMatcher.isRtx(codec.mimeType())) {
            throw SluiceException.invalid(path + ".mime_type",
                    "RTX codecs are not given: the router adds one for each video codec");
        }
        if (codec.kind() != null && codec.kind() != kind) {
            throw SluiceException.invalid(path + ".kind",
                    "kind " + codec.kind() + " does not match mime type " + codec.mimeType());
        }
        if (codec.clockRate() == 0) {
            throw SluiceException.invalid(path + ".clock_rate", "missing clock rate");
        }
        if (codec.hasPreferredPayloadType()) {
            checkPayloadType(Integer.toUnsignedLong(codec.preferredPayloadType()), path + ".preferred_payload_type");
        }
        RtpCodecCapability normalized = codec.withKind(kind);
        if (kind == MediaKind.AUDIO) {
            if (codec.hasChannels() && codec.channels() == 0) {
                throw SluiceException.invalid(path + ".channels", "an audio codec has at least one channel");
            }
            normalized = normalized.withChannels(codec.hasChannels() ? codec.channels() : 1);
        } else if (codec.hasChannels()) {
            throw SluiceException.invalid(path + ".channels", "channels is for audio codecs only");
        }
        checkParameters(codec.parameters(), path + ".parameters");
        return normalized;
    }

    /** The media kind named by a mime type's top-level type. */
    static MediaKind kindOfMimeType(String mimeType, String field) throws SluiceException {
        if (mimeType.isEmpty()) {
            throw SluiceException.invalid(field, "missing mime type");
        }
        Matcher matcher = MIME_TYPE.matcher(mimeType);
        if (!matcher.matches()) {
            throw SluiceException.invalid(field, "mime type must be audio/<codec> or video/<codec>: " + mimeType);
        }
        return matcher.group(1).toLowerCase(Locale.ROOT).equals("audio") ? MediaKind.AUDIO : MediaKind.VIDEO;
    }

    /**
     * Payload types are 7 bits (RFC 3550 section 5.1), and 64-95 would collide with RTCP packet
     * types 192-223 when RTP and RTCP share a port as WebRTC always does (RFC 5761 section 4).
     */
    static void checkPayloadType(long payloadType, String field) throws SluiceException {
        if (payloadType > MAX_PAYLOAD_TYPE) {
            throw SluiceException.invalid(field, "payload type " + payloadType + " does not fit in 7 bits");
        }
        if (payloadType >= 64 && payloadType <= 95) {
            throw SluiceException.invalid(field,
                    "payload type " + payloadType + " collides with RTCP packet types under rtcp-mux");
        }
    }

    /**
     * Parameters that codec matching or mediasoup-client read must have the type they read:
     * numbers for apt, packetization-mode, level-asymmetry-allowed, profile-id and the multiopus
     * stream counts, a valid string for profile-level-id.
     */
    private static void checkParameters(Map<String, ParameterValue> parameters, String path) throws SluiceException {
        for (Map.Entry<String, ParameterValue> entry : parameters.entrySet()) {
            String field = path + "." + entry.getKey();
            if (entry.getKey().isEmpty()) {
                throw SluiceException.invalid(path, "empty parameter name");
            }
            if (!entry.getValue().hasValue()) {
                throw SluiceException.invalid(field, "parameter has no value");
            }
        }
        checkInt(parameters, CodecParameters.APT, 0, MAX_PAYLOAD_TYPE, path);
        // RFC 6184 section 8.1: packetization-mode 0, 1 or 2; level-asymmetry-allowed 0 or 1.
        checkInt(parameters, CodecParameters.PACKETIZATION_MODE, 0, 2, path);
        checkInt(parameters, CodecParameters.LEVEL_ASYMMETRY_ALLOWED, 0, 1, path);
        // RFC 9628 section 6: VP9 profiles 0 to 3.
        checkInt(parameters, CodecParameters.PROFILE_ID, 0, 3, path);
        checkInt(parameters, CodecParameters.NUM_STREAMS, 0, 255, path);
        checkInt(parameters, CodecParameters.COUPLED_STREAMS, 0, 255, path);
        ParameterValue profileLevelId = parameters.get(CodecParameters.PROFILE_LEVEL_ID);
        if (profileLevelId != null
                && (!profileLevelId.hasStringValue()
                        || H264ProfileLevelId.parse(profileLevelId.stringValue()).isEmpty())) {
            throw SluiceException.invalid(path + "." + CodecParameters.PROFILE_LEVEL_ID,
                    "profile-level-id must be six hex digits naming a known H.264 profile and level (RFC 6184 section 8.1)");
        }
    }

    private static void checkInt(Map<String, ParameterValue> parameters, String key, long min, long max, String path)
            throws SluiceException {
        if (!parameters.containsKey(key)) {
            return;
        }
        OptionalLong value = CodecParameters.intValue(parameters, key);
        if (value.isEmpty() || value.getAsLong() < min || value.getAsLong() > max) {
            throw SluiceException.invalid(path + "." + key, key + " must be a number from " + min + " to " + max);
        }
    }
}
