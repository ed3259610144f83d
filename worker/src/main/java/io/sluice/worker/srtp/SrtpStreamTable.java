package io.sluice.worker.srtp;

/**
 * SSRC to {@link SrtpStream}, open addressing with linear probing and backward-shift deletion, so
 * a look-up neither boxes the SSRC nor allocates. Its capacity is fixed at creation: a context
 * refuses new SSRCs beyond it rather than grow under a flood of forged ones.
 */
final class SrtpStreamTable {
    private final SrtpStream[] slots;
    private final int mask;
    private final int maxStreams;
    private int size;

    SrtpStreamTable(int maxStreams) {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be positive");
        }
        this.maxStreams = maxStreams;
        int capacity = Integer.highestOneBit(maxStreams * 2 - 1) << 1;
        this.slots = new SrtpStream[Math.max(capacity, 4)];
        this.mask = slots.length - 1;
    }

    SrtpStream get(int ssrc) {
        for (int i = slotOf(ssrc); ; i = (i + 1) & mask) {
            SrtpStream stream = slots[i];
            if (stream == null || stream.ssrc == ssrc) {
                return stream;
            }
        }
    }

    boolean isFull() {
        return size >= maxStreams;
    }

    int size() {
        return size;
    }

    /** Adds a stream for an SSRC not yet present; null when the table is full. */
    SrtpStream add(int ssrc) {
        if (isFull()) {
            return null;
        }
        int i = slotOf(ssrc);
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        SrtpStream stream = new SrtpStream(ssrc);
        slots[i] = stream;
        size++;
        return stream;
    }

    boolean remove(int ssrc) {
        int i = slotOf(ssrc);
        while (slots[i] != null && slots[i].ssrc != ssrc) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return false;
        }
        slots[i] = null;
        size--;
        // Backward shift: re-place the rest of the cluster so no probe chain is broken.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            SrtpStream moved = slots[j];
            slots[j] = null;
            int k = slotOf(moved.ssrc);
            while (slots[k] != null) {
                k = (k + 1) & mask;
            }
            slots[k] = moved;
        }
        return true;
    }

    private int slotOf(int ssrc) {
        int h = ssrc * 0x9E37_79B9;
        return (h ^ (h >>> 16)) & mask;
    }
}
