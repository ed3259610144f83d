package io.sluice.worker.bwe;

/**
 * Paces probe clusters (draft-ietf-rmcat-gcc-02 §5.5 leaves probing to the sender; this is
 * libwebrtc's BitrateProber in shape): a cluster is a short burst at a target bitrate, at least
 * {@link #MIN_PROBE_PACKETS} packets over {@link #MIN_PROBE_DURATION_MICROS}, and at least
 * {@link #MIN_CLUSTER_BYTES}: a shaper's token bucket passes a burst at once (tc HTB's burst is
 * about one full-size packet or more), and a cluster no larger than that would measure the bucket,
 * not the link; {@link ProbeResultEstimator} measures the later half of a cluster, which this size
 * puts past such a burst. Every packet the
 * transport sends while a cluster is active, media or padding, belongs to it (the sender records
 * {@link #activeClusterId()} in the {@link SentPacketHistory}); padding, on the probator SSRC or
 * as RTX, fills what media leaves short of the target. The transport asks
 * {@link #paddingBytesDue} on its timer and sends that much padding in packets of
 * {@link #probePacketSize()}. Clusters wait in a small fixed queue; nothing is allocated.
 */
public final class BitrateProber {

    public static final int MIN_PROBE_PACKETS = 10;
    public static final int MIN_CLUSTER_BYTES = 6_000;
    public static final long MIN_PROBE_DURATION_MICROS = 15_000;
    private static final int MAX_QUEUED = 4;
    private static final int MIN_PACKET_BYTES = 200;
    private static final int MAX_PACKET_BYTES = 1200;

    private final int[] queuedIds = new int[MAX_QUEUED];
    private final long[] queuedBitrates = new long[MAX_QUEUED];
    private int queuedHead;
    private int queued;
    private int nextClusterId;

    private int activeId = SentPacketHistory.NO_CLUSTER;
    private long activeBitrate;
    private long activeTargetBytes;
    private long activeStartMicros = Long.MIN_VALUE;
    private long activeBytesSent;
    private int activePacketsSent;
    private int lastFinishedId = SentPacketHistory.NO_CLUSTER;
    private long clustersSent;

    /** Queues a cluster at {@code bitrate}; returns its id, or NO_CLUSTER when the queue is full. */
    int createCluster(long bitrate) {
        if (queued == MAX_QUEUED) {
            return SentPacketHistory.NO_CLUSTER;
        }
        int id = nextClusterId;
        nextClusterId = (nextClusterId + 1) & Integer.MAX_VALUE;
        int slot = (queuedHead + queued) % MAX_QUEUED;
        queuedIds[slot] = id;
        queuedBitrates[slot] = bitrate;
        queued++;
        return id;
    }

    /** The cluster a packet sent now belongs to, or {@link SentPacketHistory#NO_CLUSTER}. */
    public int activeClusterId() {
        if (activeId == SentPacketHistory.NO_CLUSTER && queued > 0) {
            activeId = queuedIds[queuedHead];
            activeBitrate = queuedBitrates[queuedHead];
            queuedHead = (queuedHead + 1) % MAX_QUEUED;
            queued--;
            activeTargetBytes = Math.max(MIN_CLUSTER_BYTES, activeBitrate * MIN_PROBE_DURATION_MICROS / 8_000_000);
            activeStartMicros = Long.MIN_VALUE;
            activeBytesSent = 0;
            activePacketsSent = 0;
        }
        return activeId;
    }

    public boolean isProbing() {
        return activeClusterId() != SentPacketHistory.NO_CLUSTER;
    }

    /**
     * Bytes of padding to send now to keep the active cluster at its bitrate: one packet at its
     * start, then what the elapsed time at the target rate allows beyond what was sent.
     */
    public int paddingBytesDue(long nowMicros) {
        if (activeClusterId() == SentPacketHistory.NO_CLUSTER) {
            return 0;
        }
        if (activeStartMicros == Long.MIN_VALUE) {
            return probePacketSize();
        }
        long allowed = activeBitrate * (nowMicros - activeStartMicros) / 8_000_000 + probePacketSize();
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, allowed - activeBytesSent));
    }

    /** Padding packets of this size give a cluster its minimum number of packets. */
    public int probePacketSize() {
        long perPacket = activeTargetBytes / MIN_PROBE_PACKETS;
        return (int) Math.max(MIN_PACKET_BYTES, Math.min(MAX_PACKET_BYTES, perPacket));
    }

    /** A packet of {@code bytes} was sent at {@code nowMicros} as part of cluster {@code clusterId}. */
    public void onPacketSent(int clusterId, int bytes, long nowMicros) {
        if (clusterId == SentPacketHistory.NO_CLUSTER || clusterId != activeId) {
            return;
        }
        if (activeStartMicros == Long.MIN_VALUE) {
            activeStartMicros = nowMicros;
        }
        activeBytesSent += bytes;
        activePacketsSent++;
        if (activeBytesSent >= activeTargetBytes && activePacketsSent >= MIN_PROBE_PACKETS) {
            lastFinishedId = activeId;
            activeId = SentPacketHistory.NO_CLUSTER;
            clustersSent++;
        }
    }

    /** Whether every packet of cluster {@code clusterId} has been sent. */
    boolean isFinished(int clusterId) {
        return clusterId != activeId && clusterId <= lastFinishedId && !isQueued(clusterId);
    }

    private boolean isQueued(int clusterId) {
        for (int i = 0; i < queued; i++) {
            if (queuedIds[(queuedHead + i) % MAX_QUEUED] == clusterId) {
                return true;
            }
        }
        return false;
    }

    /** The target bitrate of the active cluster, 0 when none. */
    public long activeBitrate() {
        return activeClusterId() == SentPacketHistory.NO_CLUSTER ? 0 : activeBitrate;
    }

    public long clustersSent() {
        return clustersSent;
    }
}
