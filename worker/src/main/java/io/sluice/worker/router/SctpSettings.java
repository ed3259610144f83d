package io.sluice.worker.router;

/**
 * A WebRTC transport's SCTP settings (mediasoup's enableSctp options) and what it announces as
 * sctpParameters: the port (RFC 8841 §5: 5000 in WebRTC), the outgoing streams asked for (OS), the
 * most incoming streams accepted (MIS) and the largest message (RFC 8841 §6 max-message-size).
 */
public record SctpSettings(int port, int outboundStreams, int inboundStreams, int maxMessageSize) {

    public static final int DEFAULT_STREAMS = 1024;
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 262_144;
    /** The most a transport may announce: held for reassembly several times over in its receive buffer. */
    public static final int LARGEST_MAX_MESSAGE_SIZE = 16 << 20;
    /** The receive buffer holds at least this many largest messages, so that one never stalls another. */
    static final int MESSAGES_BUFFERED = 4;

    public SctpSettings {
        if (outboundStreams < 1 || outboundStreams > 65535 || inboundStreams < 1 || inboundStreams > 65535) {
            throw new IllegalArgumentException("SCTP streams must be 1..65535");
        }
        if (maxMessageSize < 1 || maxMessageSize > LARGEST_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("max message size must be 1.." + LARGEST_MAX_MESSAGE_SIZE);
        }
    }
}
