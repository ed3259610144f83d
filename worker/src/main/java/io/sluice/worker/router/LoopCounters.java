package io.sluice.worker.router;

import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Running totals of one event loop's transports and the producers and consumers on them: plain fields that only the loop writes, so
 * counting a packet is an increment, with no lock, volatile or allocation. They live in the router
 * because the transports write them; the metrics package above reads them in a task on the same
 * loop, so the media code knows nothing of Prometheus. Transports look their loop's counters up
 * once, when they are made; totals outlive the transports that added to them.
 */
public final class LoopCounters {

    /** Why a transport dropped an incoming datagram ({@code sluice_packets_dropped_total{reason}}). */
    public enum Drop {
        /** Not STUN, DTLS, RTP or RTCP (RFC 7983 §7). */
        UNKNOWN_PACKET("unknown_packet"),
        /** From an address that passed no ICE check, or not the plain transport's peer. */
        UNKNOWN_TUPLE("unknown_tuple"),
        /** RTP or RTCP before DTLS (or the plain transport's keys) gave SRTP keys. */
        NO_SRTP_KEYS("no_srtp_keys"),
        /** SRTP or SRTCP that failed authentication, replay or format checks (RFC 3711 §3.3). */
        SRTP_FAILED("srtp_failed");

        private final String label;

        Drop(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final Map<EventExecutor, LoopCounters> BY_LOOP = new WeakHashMap<>();

    private long packetsReceived;
    private long bytesReceived;
    private long packetsSent;
    private long bytesSent;
    private long dtlsFailures;
    private final long[] drops = new long[Drop.values().length];
    private long nacksReceived;
    private long nacksSent;
    private long packetsRetransmitted;
    private long plisReceived;
    private long firsReceived;
    private long plisSent;

    /** Counters of no loop, for tests whose transports have none; production code uses {@link #of}. */
    LoopCounters() {
    }

    /** The counters of this loop, made on first use; call when an entity is made, never per packet. */
    public static LoopCounters of(EventExecutor loop) {
        synchronized (BY_LOOP) {
            return BY_LOOP.computeIfAbsent(loop, ignored -> new LoopCounters());
        }
    }

    public void received(int bytes) {
        packetsReceived++;
        bytesReceived += bytes;
    }

    public void sent(int bytes) {
        packetsSent++;
        bytesSent += bytes;
    }

    public void dropped(Drop reason) {
        drops[reason.ordinal()]++;
    }

    public void dtlsFailed() {
        dtlsFailures++;
    }

    /** A generic NACK (RFC 4585 §6.2.1) from a receiver of one of the loop's consumers. */
    void nackReceived() {
        nacksReceived++;
    }

    /** A generic NACK a producer's loss repair sent to its sender. */
    void nackSent() {
        nacksSent++;
    }

    /** A packet a consumer sent again in answer to a NACK (as RTX, RFC 4588, or as it was). */
    void retransmitted() {
        packetsRetransmitted++;
    }

    /** A PLI (RFC 4585 §6.3.1) from a receiver. */
    void pliReceived() {
        plisReceived++;
    }

    /** A FIR (RFC 5104 §4.3.1) from a receiver; one per FCI entry, as each names one SSRC. */
    void firReceived() {
        firsReceived++;
    }

    /** A PLI a producer sent to its sender to ask for a key frame. */
    void pliSent() {
        plisSent++;
    }

    // Readers: call on the loop that owns the counters (the metrics' sampling task does).

    public long packetsReceived() {
        return packetsReceived;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long dtlsFailures() {
        return dtlsFailures;
    }

    public long drops(Drop reason) {
        return drops[reason.ordinal()];
    }

    public long nacksReceived() {
        return nacksReceived;
    }

    public long nacksSent() {
        return nacksSent;
    }

    public long packetsRetransmitted() {
        return packetsRetransmitted;
    }

    public long plisReceived() {
        return plisReceived;
    }

    public long firsReceived() {
        return firsReceived;
    }

    public long plisSent() {
        return plisSent;
    }
}
