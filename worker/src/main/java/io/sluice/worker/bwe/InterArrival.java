package io.sluice.worker.bwe;

/**
 * Groups packets into bursts and measures the delay variation between consecutive groups
 * (draft-ietf-rmcat-gcc-02 §5.1-5.2): packets sent within {@link #BURST_MICROS} of a group's first
 * form one group (a video frame leaves the pacer as such a burst); a packet that arrives within
 * {@link #BURST_MICROS} of the previous one and earlier than its send spacing predicts belongs to
 * the group too (a burst queued somewhere and released at once, §5.2). When a group is complete,
 * the send and arrival time differences of its last packet to the previous group's are the
 * input of the delay gradient filter.
 */
final class InterArrival {

    static final long BURST_MICROS = 5_000;
    /** A burst released by a queue spans no more than this on arrival (§5.2). */
    private static final long MAX_BURST_SPAN_MICROS = 100_000;
    /** Arrival gaps this long mean the receiver's clock or the path changed: start over. */
    private static final long MAX_ARRIVAL_GAP_MICROS = 3_000_000;

    private boolean hasCurrent;
    private long currentFirstSend;
    private long currentLastSend;
    private long currentFirstArrival;
    private long currentLastArrival;
    private int currentSize;
    private boolean hasPrevious;
    private long previousLastSend;
    private long previousLastArrival;
    private int previousSize;

    private long sendDeltaMicros;
    private long arrivalDeltaMicros;
    private int sizeDelta;

    /**
     * Adds a received packet (in send order). Returns true when it completed a group: then
     * {@link #sendDeltaMicros()}, {@link #arrivalDeltaMicros()} and {@link #sizeDelta()} compare
     * that group to the one before it.
     */
    boolean onPacket(long sendMicros, long arrivalMicros, int size) {
        if (!hasCurrent) {
            startGroup(sendMicros, arrivalMicros, size);
            return false;
        }
        if (sendMicros < currentFirstSend) {
            return false;
        }
        if (sendMicros - currentFirstSend <= BURST_MICROS || isBurst(sendMicros, arrivalMicros)) {
            currentLastSend = Math.max(currentLastSend, sendMicros);
            currentLastArrival = Math.max(currentLastArrival, arrivalMicros);
            currentSize += size;
            return false;
        }
        boolean measured = false;
        if (hasPrevious) {
            sendDeltaMicros = currentLastSend - previousLastSend;
            arrivalDeltaMicros = currentLastArrival - previousLastArrival;
            sizeDelta = currentSize - previousSize;
            if (arrivalDeltaMicros < 0 || arrivalDeltaMicros > MAX_ARRIVAL_GAP_MICROS) {
                hasPrevious = false;
                startGroup(sendMicros, arrivalMicros, size);
                return false;
            }
            measured = true;
        }
        hasPrevious = true;
        previousLastSend = currentLastSend;
        previousLastArrival = currentLastArrival;
        previousSize = currentSize;
        startGroup(sendMicros, arrivalMicros, size);
        return measured;
    }

    private boolean isBurst(long sendMicros, long arrivalMicros) {
        long arrivalDelta = arrivalMicros - currentLastArrival;
        long propagationDelta = arrivalDelta - (sendMicros - currentLastSend);
        return propagationDelta < 0 && arrivalDelta <= BURST_MICROS
                && arrivalMicros - currentFirstArrival < MAX_BURST_SPAN_MICROS;
    }

    private void startGroup(long sendMicros, long arrivalMicros, int size) {
        hasCurrent = true;
        currentFirstSend = sendMicros;
        currentLastSend = sendMicros;
        currentFirstArrival = arrivalMicros;
        currentLastArrival = arrivalMicros;
        currentSize = size;
    }

    long sendDeltaMicros() {
        return sendDeltaMicros;
    }

    long arrivalDeltaMicros() {
        return arrivalDeltaMicros;
    }

    int sizeDelta() {
        return sizeDelta;
    }
}
