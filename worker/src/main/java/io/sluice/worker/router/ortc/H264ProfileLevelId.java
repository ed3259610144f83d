package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.ParameterValue;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * An H.264 {@code profile-level-id} (RFC 6184 section 8.1): three bytes in hex, profile_idc,
 * profile-iop (the constraint_set flags) and level_idc, reduced to the profile and level that
 * decide whether two endpoints can exchange a stream, as libwebrtc and mediasoup reduce them.
 */
public record H264ProfileLevelId(Profile profile, Level level) {

    /**
     * What a codec without {@code profile-level-id} means. RFC 6184 section 8.1 says Baseline
     * level 1, but libwebrtc (and so every browser and mediasoup) assumes Constrained Baseline 3.1
     * for compatibility with old endpoints that sent no parameters (webrtc issue 6337).
     */
    public static final H264ProfileLevelId DEFAULT = new H264ProfileLevelId(Profile.CONSTRAINED_BASELINE, Level.L3_1);

    /** constraint_set3_flag in profile-iop (H.264 section 7.4.2.1.1): with level_idc 11 it means level 1b. */
    private static final int CONSTRAINT_SET3_FLAG = 0x10;

    public enum Profile {
        CONSTRAINED_BASELINE("42e0"),
        BASELINE("4200"),
        MAIN("4d00"),
        CONSTRAINED_HIGH("640c"),
        HIGH("6400"),
        PREDICTIVE_HIGH_444("f400");

        /** The canonical profile_idc and profile-iop bytes written for this profile. */
        private final String canonicalIdcIop;

        Profile(String canonicalIdcIop) {
            this.canonicalIdcIop = canonicalIdcIop;
        }

        /** Level 1b is signalled with constraint_set3_flag, which only these profiles carry. */
        boolean allowsLevel1b() {
            return this == CONSTRAINED_BASELINE || this == BASELINE || this == MAIN;
        }
    }

    /** Levels of H.264 Table A-1, declared in increasing order (1b lies between 1 and 1.1). */
    public enum Level {
        L1(10), L1B(11), L1_1(11), L1_2(12), L1_3(13),
        L2(20), L2_1(21), L2_2(22),
        L3(30), L3_1(31), L3_2(32),
        L4(40), L4_1(41), L4_2(42),
        L5(50), L5_1(51), L5_2(52);

        private final int levelIdc;

        Level(int levelIdc) {
            this.levelIdc = levelIdc;
        }

        public int levelIdc() {
            return levelIdc;
        }

        static Optional<Level> ofLevelIdc(int levelIdc, boolean constraintSet3) {
            if (levelIdc == L1_1.levelIdc) {
                return Optional.of(constraintSet3 ? L1B : L1_1);
            }
            for (Level level : values()) {
                if (level.levelIdc == levelIdc && level != L1B) {
                    return Optional.of(level);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * profile_idc with the profile-iop bit pattern that selects each profile, from the table in
     * RFC 6184 section 8.1 ('x' bits may be either value). Checked in order: the first match wins.
     */
    private record ProfilePattern(int profileIdc, int mask, int maskedValue, Profile profile) {

        static ProfilePattern of(int profileIdc, String iopPattern, Profile profile) {
            int mask = 0;
            int value = 0;
            for (int i = 0; i < 8; i++) {
                char bit = iopPattern.charAt(i);
                if (bit != 'x') {
                    mask |= 0x80 >> i;
                    if (bit == '1') {
                        value |= 0x80 >> i;
                    }
                }
            }
            return new ProfilePattern(profileIdc, mask, value, profile);
        }

        boolean matches(int idc, int iop) {
            return idc == profileIdc && (iop & mask) == maskedValue;
        }
    }

    private static final ProfilePattern[] PROFILE_PATTERNS = {
        ProfilePattern.of(0x42, "x1xx0000", Profile.CONSTRAINED_BASELINE),
        ProfilePattern.of(0x4d, "1xxx0000", Profile.CONSTRAINED_BASELINE),
        ProfilePattern.of(0x58, "11xx0000", Profile.CONSTRAINED_BASELINE),
        ProfilePattern.of(0x42, "x0xx0000", Profile.BASELINE),
        ProfilePattern.of(0x58, "10xx0000", Profile.BASELINE),
        ProfilePattern.of(0x4d, "0x0x0000", Profile.MAIN),
        ProfilePattern.of(0x64, "00000000", Profile.HIGH),
        ProfilePattern.of(0x64, "00001100", Profile.CONSTRAINED_HIGH),
        ProfilePattern.of(0xf4, "00000000", Profile.PREDICTIVE_HIGH_444),
    };

    public H264ProfileLevelId {
        if (level == Level.L1B && !profile.allowsLevel1b()) {
            throw new IllegalArgumentException("level 1b does not exist in profile " + profile);
        }
    }

    /** Parses six hex digits; empty when they name no profile or level known here. */
    public static Optional<H264ProfileLevelId> parse(String hex) {
        if (hex == null || hex.length() != 6 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
            return Optional.empty();
        }
        int value = HexFormat.fromHexDigits(hex);
        int profileIdc = value >>> 16;
        int profileIop = (value >>> 8) & 0xff;
        int levelIdc = value & 0xff;
        Optional<Level> level = Level.ofLevelIdc(levelIdc, (profileIop & CONSTRAINT_SET3_FLAG) != 0);
        if (level.isEmpty()) {
            return Optional.empty();
        }
        for (ProfilePattern pattern : PROFILE_PATTERNS) {
            if (pattern.matches(profileIdc, profileIop)) {
                return Optional.of(new H264ProfileLevelId(pattern.profile, level.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * The profile-level-id a codec's parameters declare: {@link #DEFAULT} when absent, empty when
     * present but not a valid string.
     */
    public static Optional<H264ProfileLevelId> fromParameters(Map<String, ParameterValue> parameters) {
        ParameterValue value = parameters.get(CodecParameters.PROFILE_LEVEL_ID);
        if (value == null) {
            return Optional.of(DEFAULT);
        }
        return value.hasStringValue() ? parse(value.stringValue()) : Optional.empty();
    }

    /** Whether both parameter sets carry valid profile-level-ids of the same profile (levels may differ). */
    public static boolean isSameProfile(Map<String, ParameterValue> a, Map<String, ParameterValue> b) {
        Optional<H264ProfileLevelId> first = fromParameters(a);
        Optional<H264ProfileLevelId> second = fromParameters(b);
        return first.isPresent() && second.isPresent() && first.get().profile == second.get().profile;
    }

    /**
     * The profile-level-id to answer with, given what the answerer supports and what the offerer
     * offered, both of the same profile (check {@link #isSameProfile} first): the local level when
     * both allow level asymmetry, else the lower of the two (RFC 6184 section 8.2.2). Empty when
     * neither side states one, so both mean the default.
     *
     * @throws IllegalArgumentException if the profiles are invalid or differ
     */
    public static Optional<String> answerProfileLevelId(
            Map<String, ParameterValue> localSupported, Map<String, ParameterValue> remoteOffered) {
        if (!localSupported.containsKey(CodecParameters.PROFILE_LEVEL_ID)
                && !remoteOffered.containsKey(CodecParameters.PROFILE_LEVEL_ID)) {
            return Optional.empty();
        }
        H264ProfileLevelId local = fromParameters(localSupported)
                .orElseThrow(() -> new IllegalArgumentException("invalid local profile-level-id"));
        H264ProfileLevelId remote = fromParameters(remoteOffered)
                .orElseThrow(() -> new IllegalArgumentException("invalid remote profile-level-id"));
        if (local.profile != remote.profile) {
            throw new IllegalArgumentException("H.264 profiles differ: " + local.profile + " and " + remote.profile);
        }
        boolean asymmetryAllowed = isLevelAsymmetryAllowed(localSupported) && isLevelAsymmetryAllowed(remoteOffered);
        Level answerLevel = asymmetryAllowed ? local.level : min(local.level, remote.level);
        return Optional.of(new H264ProfileLevelId(local.profile, answerLevel).toHex());
    }

    /** The canonical six hex digits for this profile and level. */
    public String toHex() {
        if (level == Level.L1B) {
            // Level 1b is level_idc 11 with constraint_set3_flag set (RFC 6184 section 8.1).
            return switch (profile) {
                case CONSTRAINED_BASELINE -> "42f00b";
                case BASELINE -> "42100b";
                case MAIN -> "4d100b";
                default -> throw new IllegalStateException("unreachable: checked in the constructor");
            };
        }
        return profile.canonicalIdcIop + HexFormat.of().toHexDigits((byte) level.levelIdc);
    }

    private static Level min(Level a, Level b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** level-asymmetry-allowed=1 (RFC 6184 section 8.1); mediasoup also accepts it as the string "1". */
    private static boolean isLevelAsymmetryAllowed(Map<String, ParameterValue> parameters) {
        ParameterValue value = parameters.get(CodecParameters.LEVEL_ASYMMETRY_ALLOWED);
        return value != null
                && ((value.hasIntValue() && value.intValue() == 1)
                        || (value.hasStringValue() && value.stringValue().equals("1")));
    }
}
