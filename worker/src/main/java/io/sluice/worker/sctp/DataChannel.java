package io.sluice.worker.sctp;

/** One data channel of a {@link DataChannels}: its stream, what its opener announced, and where it stands. */
public final class DataChannel {

    public enum State {
        /** Opened here, OPEN sent, no ACK yet (RFC 8832 §6: messages go ordered until then). */
        CONNECTING,
        OPEN,
        /** Its outgoing stream is being reset, or the peer reset its own (RFC 8831 §6.7). */
        CLOSING,
        CLOSED
    }

    private final int streamId;
    private final DataChannelOpen parameters;
    State state;
    /** This side asked to reset its outgoing stream. */
    boolean outgoingReset;
    /** The peer performed that reset. */
    boolean outgoingResetDone;
    /** The peer reset its outgoing stream. */
    boolean incomingReset;

    DataChannel(int streamId, DataChannelOpen parameters, State state) {
        this.streamId = streamId;
        this.parameters = parameters;
        this.state = state;
    }

    public int streamId() {
        return streamId;
    }

    public String label() {
        return parameters.label();
    }

    public String protocol() {
        return parameters.protocol();
    }

    public boolean ordered() {
        return parameters.ordered();
    }

    public Reliability reliability() {
        return parameters.reliability();
    }

    public State state() {
        return state;
    }

    @Override
    public String toString() {
        return "DataChannel[" + streamId + " " + label() + " " + state + "]";
    }
}
