package io.sluice.worker.sctp;

/** Payload protocol identifiers of WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1). */
public final class DataChannelPpid {

    /** A DCEP message (RFC 8832 §8.1). */
    public static final long DCEP = 50;
    public static final long STRING = 51;
    /** Deprecated partial string (RFC 8831 §8): read as a whole string message. */
    public static final long STRING_PARTIAL = 52;
    public static final long BINARY = 53;
    /** Deprecated partial binary (RFC 8831 §8): read as a whole binary message. */
    public static final long BINARY_PARTIAL = 54;
    /** An empty string: SCTP has no empty message, so one byte is sent and ignored (RFC 8831 §6.6). */
    public static final long STRING_EMPTY = 56;
    public static final long BINARY_EMPTY = 57;

    private DataChannelPpid() {}

    public static long of(boolean text, boolean empty) {
        if (text) {
            return empty ? STRING_EMPTY : STRING;
        }
        return empty ? BINARY_EMPTY : BINARY;
    }

    public static boolean text(long ppid) {
        return ppid == STRING || ppid == STRING_PARTIAL || ppid == STRING_EMPTY;
    }

    public static boolean empty(long ppid) {
        return ppid == STRING_EMPTY || ppid == BINARY_EMPTY;
    }

    static boolean userMessage(long ppid) {
        return ppid >= STRING && ppid <= BINARY_EMPTY && ppid != 55;
    }
}
