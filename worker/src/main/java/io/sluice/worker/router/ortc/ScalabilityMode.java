package io.sluice.worker.router.ortc;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scalability mode of the W3C WebRTC-SVC specification (section 4, e.g. "L1T3", "L3T3_KEY",
 * "S2T1h"): spatial layers ("L" dependent, "S" independent simulcast-like), temporal layers, and
 * whether spatial layers depend on each other only on key frames (K-SVC, the "_KEY" modes).
 */
public record ScalabilityMode(int spatialLayers, int temporalLayers, boolean ksvc) {

    /** What an encoding without a scalability mode has. */
    public static final ScalabilityMode NONE = new ScalabilityMode(1, 1, false);

    private static final Pattern MODE = Pattern.compile("^[LS]([1-9][0-9]?)T([1-9][0-9]?)(h|_KEY|_KEY_SHIFT)?$");

    public static Optional<ScalabilityMode> parse(String mode) {
        Matcher matcher = MODE.matcher(mode);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String suffix = matcher.group(3);
        return Optional.of(new ScalabilityMode(
                Integer.parseInt(matcher.group(1)),
                Integer.parseInt(matcher.group(2)),
                suffix != null && suffix.startsWith("_KEY")));
    }

    /** The mode's layers, or one spatial and one temporal layer when absent or unreadable (as mediasoup). */
    public static ScalabilityMode parseOrNone(String mode) {
        return parse(mode).orElse(NONE);
    }
}
