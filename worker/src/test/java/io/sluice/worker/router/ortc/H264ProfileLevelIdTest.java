package io.sluice.worker.router.ortc;

import static io.sluice.worker.router.ortc.H264ProfileLevelId.Level;
import static io.sluice.worker.router.ortc.H264ProfileLevelId.Profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.worker.router.parameters.ParameterValue;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class H264ProfileLevelIdTest {

    /** Profile-iop patterns of RFC 6184 section 8.1 (table 5) and levels of H.264 table A-1. */
    @ParameterizedTest(name = "{0} is {1} level {2}")
    @CsvSource({
        "42e01f, CONSTRAINED_BASELINE, L3_1",
        "42c01f, CONSTRAINED_BASELINE, L3_1",
        "4de01f, CONSTRAINED_BASELINE, L3_1",
        "58f01f, CONSTRAINED_BASELINE, L3_1",
        "42001f, BASELINE, L3_1",
        "42a01f, BASELINE, L3_1",
        "58a01f, BASELINE, L3_1",
        "4d001f, MAIN, L3_1",
        "4d401f, MAIN, L3_1",
        "64001f, HIGH, L3_1",
        "640c1f, CONSTRAINED_HIGH, L3_1",
        "f4001f, PREDICTIVE_HIGH_444, L3_1",
        "42e00a, CONSTRAINED_BASELINE, L1",
        "42e00b, CONSTRAINED_BASELINE, L1_1",
        "42f00b, CONSTRAINED_BASELINE, L1B",
        "42100b, BASELINE, L1B",
        "4d100b, MAIN, L1B",
        "640c34, CONSTRAINED_HIGH, L5_2",
        "64002a, HIGH, L4_2",
        "42E01F, CONSTRAINED_BASELINE, L3_1",
    })
    void rfc6184_section8_1_parsesProfileAndLevel(String hex, Profile profile, Level level) {
        assertThat(H264ProfileLevelId.parse(hex)).contains(new H264ProfileLevelId(profile, level));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @NullAndEmptySource
    @ValueSource(strings = {
        "42e01", "42e01f0", "0x42e0", "42e01g", " 42e01f", "000000",
        "42e000", "42e009", "42e0ff", "42e035",       // level_idc not in table A-1
        "ff001f", "4d081f", "43e01f", "42e81f", "64011f", "640d1f", "f4011f", "58401f",  // profile-iop matches no pattern
    })
    void rfc6184_section8_1_rejectsMalformedOrUnknown(String hex) {
        assertThat(H264ProfileLevelId.parse(hex)).isEmpty();
    }

    @ParameterizedTest(name = "{0} is written as {1}")
    @CsvSource({
        "42e01f, 42e01f", "42c01f, 42e01f", "58f01f, 42e01f", "42a01f, 42001f", "4d401f, 4d001f",
        "640c34, 640c34", "64002a, 64002a", "f4001f, f4001f", "42f00b, 42f00b", "42100b, 42100b",
        "4d100b, 4d100b", "42e00a, 42e00a",
    })
    void writesTheCanonicalForm(String parsed, String canonical) {
        assertThat(H264ProfileLevelId.parse(parsed).orElseThrow().toHex()).isEqualTo(canonical);
    }

    @Test
    void level1bExistsOnlyWhereConstraintSet3CanSignalIt() {
        assertThatThrownBy(() -> new H264ProfileLevelId(Profile.HIGH, Level.L1B))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void levelsOrderWith1bBetween1And1_1() {
        assertThat(Level.L1).isLessThan(Level.L1B);
        assertThat(Level.L1B).isLessThan(Level.L1_1);
        assertThat(Level.L5_1).isLessThan(Level.L5_2);
    }

    @Test
    void absentProfileLevelIdMeansConstrainedBaseline3_1AsLibwebrtcAssumes() {
        assertThat(H264ProfileLevelId.fromParameters(Map.of())).contains(H264ProfileLevelId.DEFAULT);
        assertThat(H264ProfileLevelId.DEFAULT.toHex()).isEqualTo("42e01f");
        assertThat(H264ProfileLevelId.fromParameters(Map.of("profile-level-id", CodecParameters.ofInt(0x42e01f)))).isEmpty();
    }

    @Test
    void sameProfileIgnoresLevelsAndTreatsAbsentAsDefault() {
        assertThat(H264ProfileLevelId.isSameProfile(plid("42e01f"), plid("42e034"))).isTrue();
        assertThat(H264ProfileLevelId.isSameProfile(Map.of(), plid("42c00a"))).isTrue();
        assertThat(H264ProfileLevelId.isSameProfile(Map.of(), plid("42001f"))).isFalse();
        assertThat(H264ProfileLevelId.isSameProfile(plid("640c1f"), plid("64001f"))).isFalse();
        assertThat(H264ProfileLevelId.isSameProfile(plid("42e01f"), plid("zzzzzz"))).isFalse();
    }

    /** RFC 6184 section 8.2.2: without level-asymmetry-allowed the answer may not exceed the offer's level. */
    @Test
    void rfc6184_section8_2_2_answerTakesTheLowerLevelWithoutAsymmetry() {
        assertThat(H264ProfileLevelId.answerProfileLevelId(plid("42e034"), plid("42e01f"))).contains("42e01f");
        assertThat(H264ProfileLevelId.answerProfileLevelId(plid("42e00a"), plid("42e01f"))).contains("42e00a");
        assertThat(H264ProfileLevelId.answerProfileLevelId(plid("42f00b"), plid("42e00a"))).contains("42e00a");
        assertThat(H264ProfileLevelId.answerProfileLevelId(plid("42f00b"), plid("42e00b"))).contains("42f00b");
    }

    @Test
    void rfc6184_section8_2_2_answerKeepsTheLocalLevelWhenBothAllowAsymmetry() {
        Map<String, ParameterValue> local = Map.of(
                "profile-level-id", CodecParameters.ofString("42e034"), "level-asymmetry-allowed", CodecParameters.ofInt(1));
        Map<String, ParameterValue> remote = Map.of(
                "profile-level-id", CodecParameters.ofString("42e01f"), "level-asymmetry-allowed", CodecParameters.ofString("1"));
        assertThat(H264ProfileLevelId.answerProfileLevelId(local, remote)).contains("42e034");
        assertThat(H264ProfileLevelId.answerProfileLevelId(local, plid("42e01f"))).contains("42e01f");
    }

    @Test
    void answerIsEmptyWhenNeitherSideStatesAProfileAndFailsOnMismatch() {
        assertThat(H264ProfileLevelId.answerProfileLevelId(Map.of(), Map.of())).isEqualTo(Optional.empty());
        assertThat(H264ProfileLevelId.answerProfileLevelId(Map.of(), plid("42e00a"))).contains("42e00a");
        assertThatThrownBy(() -> H264ProfileLevelId.answerProfileLevelId(plid("42e01f"), plid("64001f")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> H264ProfileLevelId.answerProfileLevelId(plid("42e01f"), plid("nothex")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, ParameterValue> plid(String hex) {
        return Map.of("profile-level-id", CodecParameters.ofString(hex));
    }
}
