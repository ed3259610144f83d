package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Whether two codec descriptions name the same codec, as mediasoup's {@code matchCodecs}: same
 * mime type (case-insensitive), clock rate and channel count, and for multichannel Opus the same
 * stream layout. A strict match (a producer or consumer against capabilities) also compares the
 * H.264 packetization mode and profile (RFC 6184 section 8.1) and the VP9 profile (RFC 9628
 * section 6); a loose one (an application's media codec against the supported table) does not.
 */
public final class CodecMatcher {

    private CodecMatcher() {}

    /** What matching reads from a codec capability or codec parameters, channels normalized. */
    record Codec(String mimeType, long clockRate, long channels, Map<String, ParameterValue> parameters) {

        static Codec of(RtpCodecCapability codec) {
            return new Codec(codec.mimeType(), codec.clockRate(), channels(codec.mimeType(), codec.channels()), codec.parameters());
        }

        static Codec of(RtpCodecParameters codec) {
            return new Codec(codec.mimeType(), codec.clockRate(), channels(codec.mimeType(), codec.channels()), codec.parameters());
        }

        /** Audio without channels means mono; video has none (mediasoup normalizes the same way). */
        private static long channels(String mimeType, Integer channels) {
            if (!isAudio(mimeType)) {
                return 0;
            }
            return channels != null ? Integer.toUnsignedLong(channels) : 1;
        }
    }

    public static boolean matches(RtpCodecParameters a, RtpCodecCapability b, boolean strict) {
        return matches(Codec.of(a), Codec.of(b), strict);
    }

    public static boolean matches(RtpCodecCapability a, RtpCodecCapability b, boolean strict) {
        return matches(Codec.of(a), Codec.of(b), strict);
    }

    public static boolean matches(RtpCodecCapability a, RtpCodecParameters b, boolean strict) {
        return matches(Codec.of(a), Codec.of(b), strict);
    }

    /** RTX (RFC 4588): a mime type whose subtype is {@code rtx}. */
    public static boolean isRtx(String mimeType) {
        int slash = mimeType.indexOf('/');
        return slash > 0 && mimeType.substring(slash + 1).equalsIgnoreCase("rtx");
    }

    static boolean isAudio(String mimeType) {
        return mimeType.regionMatches(true, 0, "audio/", 0, 6);
    }

    static boolean matches(Codec a, Codec b, boolean strict) {
        String mimeType = a.mimeType.toLowerCase(Locale.ROOT);
        if (!mimeType.equals(b.mimeType.toLowerCase(Locale.ROOT))
                || a.clockRate != b.clockRate
                || a.channels != b.channels) {
            return false;
        }
        return switch (mimeType) {
            case "audio/multiopus" -> sameValue(a, b, CodecParameters.NUM_STREAMS)
                    && sameValue(a, b, CodecParameters.COUPLED_STREAMS);
            case "video/h264" -> !strict || h264Matches(a.parameters, b.parameters);
            case "video/vp9" -> !strict || intOrZero(a.parameters, CodecParameters.PROFILE_ID)
                    == intOrZero(b.parameters, CodecParameters.PROFILE_ID);
            default -> true;
        };
    }

    private static boolean h264Matches(Map<String, ParameterValue> a, Map<String, ParameterValue> b) {
        // packetization-mode 0 when absent (RFC 6184 section 8.1).
        if (intOrZero(a, CodecParameters.PACKETIZATION_MODE) != intOrZero(b, CodecParameters.PACKETIZATION_MODE)) {
            return false;
        }
        if (!H264ProfileLevelId.isSameProfile(a, b)) {
            return false;
        }
        try {
            H264ProfileLevelId.answerProfileLevelId(a, b);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameValue(Codec a, Codec b, String key) {
        return Objects.equals(a.parameters.get(key), b.parameters.get(key));
    }

    private static long intOrZero(Map<String, ParameterValue> parameters, String key) {
        return CodecParameters.intValue(parameters, key).orElse(0);
    }
}
