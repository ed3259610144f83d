package io.sluice.worker.bwe;

/**
 * The rate a transport sends at, outside probe clusters, over the last second: ten 100 ms buckets.
 * Tells whether the sender is application-limited (libwebrtc's ALR: the consumers' layers leave
 * much of the estimate unused), the only time periodic probes are worth their queueing: a sender
 * that uses its whole estimate finds more capacity by the rate control's own increase.
 */
final class SendRateMeter {

    private static final int BUCKETS = 10;
    private static final long BUCKET_MICROS = 100_000;

    private final long[] bytes = new long[BUCKETS];
    private long currentBucket = Long.MIN_VALUE;
    private long firstBucket = Long.MIN_VALUE;

    void onSent(int size, long nowMicros) {
        advance(nowMicros);
        bytes[slot(currentBucket)] += size;
    }

    /** Bit/s over the last second (or since the first packet, if later); 0 before it. */
    long bitrate(long nowMicros) {
        if (currentBucket == Long.MIN_VALUE) {
            return 0;
        }
        advance(nowMicros);
        long total = 0;
        for (long sum : bytes) {
            total += sum;
        }
        long buckets = Math.min(BUCKETS, currentBucket - firstBucket + 1);
        return total * 8 * 1_000_000 / (buckets * BUCKET_MICROS);
    }

    /** The clock's origin is arbitrary: a bucket number may be negative, its slot never is. */
    private static int slot(long bucket) {
        return (int) Math.floorMod(bucket, (long) BUCKETS);
    }

    private void advance(long nowMicros) {
        long bucket = Math.floorDiv(nowMicros, BUCKET_MICROS);
        if (currentBucket == Long.MIN_VALUE) {
            currentBucket = bucket;
            firstBucket = bucket;
            return;
        }
        for (long b = currentBucket + 1; b <= bucket && b <= currentBucket + BUCKETS; b++) {
            bytes[slot(b)] = 0;
        }
        currentBucket = Math.max(currentBucket, bucket);
    }
}
