package io.sluice.worker.router.stats;

/** NTP timestamps (RFC 3550 §4) from Unix wall-clock milliseconds. */
public final class NtpTime {

    /** Seconds from 1900-01-01 (the NTP era) to 1970-01-01 (RFC 868). */
    static final long UNIX_EPOCH_IN_NTP_SECONDS = 2_208_988_800L;

    private NtpTime() {
    }

    /** The 64-bit NTP timestamp: seconds in the high 32 bits, the fraction of a second in the low 32. */
    public static long fromUnixMillis(long unixMillis) {
        long seconds = Math.floorDiv(unixMillis, 1000) + UNIX_EPOCH_IN_NTP_SECONDS;
        long fraction = ((long) Math.floorMod(unixMillis, 1000L) << 32) / 1000;
        return (seconds << 32) | fraction;
    }

    /** RFC 3550 §6.4.1: the middle 32 bits of an NTP timestamp, in 1/65536 seconds (LSR, and RTT arithmetic). */
    public static long compact(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & 0xFFFFFFFFL;
    }

    /** A duration in 1/65536 seconds (DLSR's unit) from milliseconds. */
    public static long millisToCompact(long millis) {
        return millis * 65536 / 1000;
    }

    public static double compactToMillis(long compact) {
        return compact * 1000.0 / 65536;
    }
}
