package io.sluice.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defect 11 of issue 12: the start-up warning when the RTC ports overlap the kernel's ephemeral range. */
class EphemeralPortsTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void theDefaultRtcRangeOverlapsLinuxsDefaultEphemeralRange() throws Exception {
        Path range = file("range", "32768\t60999\n");
        Path reserved = file("reserved", "\n");

        assertThat(EphemeralPorts.overlapWarning(range, reserved, 40000, 49999)).hasValueSatisfying(warning ->
                assertThat(warning).contains("RTC ports 40000-49999 overlap the kernel's ephemeral port range 32768-60999",
                        "ip_local_reserved_ports=40000-49999"));
        assertThat(EphemeralPorts.overlapWarning(range, reserved, 20000, 32768)).hasValueSatisfying(warning ->
                assertThat(warning).contains("on 32768-32768"));
    }

    @Test
    void aRangeClearOfItOrReservedGivesNoWarning() throws Exception {
        Path range = file("range", "32768\t60999\n");

        assertThat(EphemeralPorts.overlapWarning(range, file("none", ""), 10000, 20000)).isEmpty();
        assertThat(EphemeralPorts.overlapWarning(range, file("none2", ""), 61000, 65000)).isEmpty();
        assertThat(EphemeralPorts.overlapWarning(range, file("all", "40000-44999,45000-49999\n"), 40000, 49999)).isEmpty();
        assertThat(EphemeralPorts.overlapWarning(range, file("part", "40000-44999\n"), 40000, 49999)).isPresent();
        assertThat(EphemeralPorts.overlapWarning(dir.resolve("missing"), dir.resolve("missing2"), 40000, 49999)).isEmpty();
    }
}
