package io.sluice.worker.router.ortc;

import io.sluice.worker.router.SluiceException;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out dynamic RTP payload types (RFC 3551 section 3: 96-127) in mediasoup's order, 100 to
 * 127 then 96 to 99, skipping the ones already taken.
 */
final class DynamicPayloadTypes {

    private static final int[] ORDER = order();

    private final Set<Integer> taken;
    private int next;

    DynamicPayloadTypes(Set<Integer> taken) {
        this.taken = new HashSet<>(taken);
    }

    /** The next free dynamic payload type; RESOURCE_EXHAUSTED when all 32 are in use. */
    int allocate(String forWhat) throws SluiceException {
        while (next < ORDER.length) {
            int candidate = ORDER[next++];
            if (taken.add(candidate)) {
                return candidate;
            }
        }
        throw new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED,
                "no dynamic payload type left for " + forWhat + ": all 32 (96-127) are in use", "media_codecs");
    }

    private static int[] order() {
        int[] order = new int[32];
        for (int i = 0; i < 28; i++) {
            order[i] = 100 + i;
        }
        for (int i = 0; i < 4; i++) {
            order[28 + i] = 96 + i;
        }
        return order;
    }
}
