package io.sluice.worker.bwe;

/**
 * Measures what a probe cluster got through (libwebrtc's ProbeBitrateEstimator in shape): the
 * cluster's send rate (bytes but the last sent over the send span) and receive rate (bytes but the
 * first received over the arrival span); the lower of the two is what the path carried. When the
 * receive rate falls clearly below the send rate ({@link #SATURATION_RATIO}) the probe filled the
 * bottleneck, and the result is a little under the receive rate, so as not to sit at the very edge.
 *
 * <p>A shaper's token bucket (tc HTB's burst, a policer's bucket) passes the first bytes of a
 * cluster at once, whatever the link's rate: over a short cluster the receive rate then overstates
 * the bottleneck, and an estimate probed that way switches a viewer to a layer its link cannot
 * carry. The receive rate is therefore also measured over the later half of the arrivals, which
 * the bottleneck has paced once the bucket is empty, and the lower of the two is taken; on a link
 * without a bucket both are the same.
 * A result is given once per cluster, when it has been sent completely and enough of it was
 * reported. A few fixed slots; nothing is allocated.
 */
final class ProbeResultEstimator {

    private static final int SLOTS = 8;
    private static final int MIN_RECEIVED = BitrateProber.MIN_PROBE_PACKETS * 4 / 5;
    private static final long MAX_SPAN_MICROS = 1_000_000;
    private static final double SATURATION_RATIO = 0.9;
    private static final double SATURATED_FRACTION = 0.95;
    private static final double MAX_RECEIVE_TO_SEND_RATIO = 2.0;
    /** Arrivals kept per cluster for the later half's rate; a cluster has far fewer packets. */
    private static final int MAX_ARRIVALS = 64;

    private final int[] ids = new int[SLOTS];
    private final long[] firstSend = new long[SLOTS];
    private final long[] lastSend = new long[SLOTS];
    private final int[] lastSendSize = new int[SLOTS];
    private final long[] firstArrival = new long[SLOTS];
    private final long[] lastArrival = new long[SLOTS];
    private final int[] firstArrivalSize = new int[SLOTS];
    private final long[] bytes = new long[SLOTS];
    private final int[] received = new int[SLOTS];
    /** Per slot, the first {@link #MAX_ARRIVALS} arrivals in arrival order, and their sizes. */
    private final long[] arrivals = new long[SLOTS * MAX_ARRIVALS];
    private final int[] arrivalSizes = new int[SLOTS * MAX_ARRIVALS];
    private int resultClusterId = SentPacketHistory.NO_CLUSTER;

    ProbeResultEstimator() {
        java.util.Arrays.fill(ids, SentPacketHistory.NO_CLUSTER);
    }

    /**
     * Adds the feedback's packets of probe clusters; returns the highest result of the clusters
     * this feedback completed (bit/s), 0 for none. {@link #resultClusterId()} names its cluster.
     */
    long onFeedback(TransportFeedbackAdapter results, BitrateProber prober) {
        for (int i = 0; i < results.count(); i++) {
            int cluster = results.cluster(i);
            long arrival = results.arrivalMicros(i);
            if (cluster != SentPacketHistory.NO_CLUSTER && arrival != TransportFeedbackAdapter.LOST) {
                add(cluster, results.sendMicros(i), arrival, results.size(i));
            }
        }
        long best = 0;
        resultClusterId = SentPacketHistory.NO_CLUSTER;
        for (int slot = 0; slot < SLOTS; slot++) {
            if (ids[slot] == SentPacketHistory.NO_CLUSTER || !prober.isFinished(ids[slot])
                    || received[slot] < MIN_RECEIVED) {
                continue;
            }
            long result = result(slot);
            if (result > best) {
                best = result;
                resultClusterId = ids[slot];
            }
            ids[slot] = SentPacketHistory.NO_CLUSTER;
        }
        return best;
    }

    private void add(int cluster, long send, long arrival, int size) {
        int slot = cluster % SLOTS;
        if (ids[slot] != cluster) {
            ids[slot] = cluster;
            firstSend[slot] = send;
            lastSend[slot] = send;
            lastSendSize[slot] = size;
            firstArrival[slot] = arrival;
            lastArrival[slot] = arrival;
            firstArrivalSize[slot] = size;
            bytes[slot] = size;
            received[slot] = 1;
            arrivals[slot * MAX_ARRIVALS] = arrival;
            arrivalSizes[slot * MAX_ARRIVALS] = size;
            return;
        }
        keepInArrivalOrder(slot, arrival, size);
        if (send < firstSend[slot]) {
            firstSend[slot] = send;
        }
        if (send > lastSend[slot]) {
            lastSend[slot] = send;
            lastSendSize[slot] = size;
        }
        if (arrival < firstArrival[slot]) {
            firstArrival[slot] = arrival;
            firstArrivalSize[slot] = size;
        }
        if (arrival > lastArrival[slot]) {
            lastArrival[slot] = arrival;
        }
        bytes[slot] += size;
        received[slot]++;
    }

    /** Insertion into the slot's arrivals, sorted: feedback reports by sequence number, not arrival. */
    private void keepInArrivalOrder(int slot, long arrival, int size) {
        int count = received[slot];
        if (count >= MAX_ARRIVALS) {
            return;
        }
        int base = slot * MAX_ARRIVALS;
        int at = count;
        while (at > 0 && arrivals[base + at - 1] > arrival) {
            arrivals[base + at] = arrivals[base + at - 1];
            arrivalSizes[base + at] = arrivalSizes[base + at - 1];
            at--;
        }
        arrivals[base + at] = arrival;
        arrivalSizes[base + at] = size;
    }

    /**
     * The receive rate over the later half of the kept arrivals (bytes but the first of that half
     * over its span), or {@link Double#MAX_VALUE} when that span is empty.
     */
    private double laterHalfReceiveRate(int slot) {
        int count = Math.min(received[slot], MAX_ARRIVALS);
        int base = slot * MAX_ARRIVALS;
        int from = count / 2;
        long span = arrivals[base + count - 1] - arrivals[base + from];
        if (span <= 0) {
            return Double.MAX_VALUE;
        }
        long laterBytes = 0;
        for (int i = from + 1; i < count; i++) {
            laterBytes += arrivalSizes[base + i];
        }
        return laterBytes * 8e6 / span;
    }

    private long result(int slot) {
        long sendSpan = lastSend[slot] - firstSend[slot];
        long receiveSpan = lastArrival[slot] - firstArrival[slot];
        if (sendSpan <= 0 || sendSpan > MAX_SPAN_MICROS || receiveSpan <= 0 || receiveSpan > MAX_SPAN_MICROS) {
            return 0;
        }
        double sendRate = (bytes[slot] - lastSendSize[slot]) * 8e6 / sendSpan;
        double receiveRate = (bytes[slot] - firstArrivalSize[slot]) * 8e6 / receiveSpan;
        if (receiveRate > MAX_RECEIVE_TO_SEND_RATIO * sendRate) {
            return 0;
        }
        receiveRate = Math.min(receiveRate, laterHalfReceiveRate(slot));
        if (receiveRate < SATURATION_RATIO * sendRate) {
            return (long) (SATURATED_FRACTION * receiveRate);
        }
        return (long) Math.min(sendRate, receiveRate);
    }

    /** The cluster of the last non-zero result. */
    int resultClusterId() {
        return resultClusterId;
    }
}
