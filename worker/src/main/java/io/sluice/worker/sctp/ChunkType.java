package io.sluice.worker.sctp;

/**
 * Chunk type numbers (RFC 9260 §3.2, RFC 3758 §3.2, RFC 6525 §3.1) and what a receiver does with
 * one it does not know: the two high bits of the type say (§3.2).
 */
public final class ChunkType {

    public static final int DATA = 0;
    public static final int INIT = 1;
    public static final int INIT_ACK = 2;
    public static final int SACK = 3;
    public static final int HEARTBEAT = 4;
    public static final int HEARTBEAT_ACK = 5;
    public static final int ABORT = 6;
    public static final int SHUTDOWN = 7;
    public static final int SHUTDOWN_ACK = 8;
    public static final int ERROR = 9;
    public static final int COOKIE_ECHO = 10;
    public static final int COOKIE_ACK = 11;
    public static final int SHUTDOWN_COMPLETE = 14;
    /** RFC 6525 §3.1. */
    public static final int RE_CONFIG = 130;
    /** RFC 3758 §3.2. */
    public static final int FORWARD_TSN = 192;

    /** The T bit of ABORT and SHUTDOWN COMPLETE: the verification tag is the receiver's own (§3.3.7, §8.5.1). */
    public static final int FLAG_T = 0x01;

    private ChunkType() {}

    /** §3.2: high bits 00 and 01 stop processing the packet, 10 and 11 skip the chunk. */
    public static boolean skipWhenUnknown(int type) {
        return (type & 0x80) != 0;
    }

    /** §3.2: high bits 01 and 11 report the unknown chunk in an ERROR (cause 6). */
    public static boolean reportWhenUnknown(int type) {
        return (type & 0x40) != 0;
    }
}
