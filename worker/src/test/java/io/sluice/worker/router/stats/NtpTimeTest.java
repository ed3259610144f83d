package io.sluice.worker.router.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** NTP timestamps (RFC 3550 §4): seconds since 1900 and a 32-bit fraction. */
class NtpTimeTest {

    @Test
    void rfc3550_section4_theUnixEpochIsSecond2208988800() {
        assertThat(NtpTime.fromUnixMillis(0)).isEqualTo(2_208_988_800L << 32);
    }

    @Test
    void halfASecondIsHalfTheFraction() {
        assertThat(NtpTime.fromUnixMillis(1500)).isEqualTo(((2_208_988_800L + 1) << 32) | 0x80000000L);
    }

    @Test
    void rfc3550_section6_4_1_compactIsTheMiddle32Bits() {
        assertThat(NtpTime.compact(0xAABBCCDD_EEFF1122L)).isEqualTo(0xCCDDEEFFL);
        assertThat(NtpTime.millisToCompact(5250)).isEqualTo(0x00054000L);
    }
}
