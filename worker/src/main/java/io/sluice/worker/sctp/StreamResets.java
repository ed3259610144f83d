package io.sluice.worker.sctp;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;

/**
 * Stream reconfiguration (RFC 6525) as WebRTC uses it to close data channels (RFC 8831 §6.7):
 * this side's Outgoing SSN Reset Requests, one in flight at a time (§5.1.1) and retransmitted
 * with the RTO until answered, and the peer's requests, performed once every TSN before the
 * reset has arrived (§5.2.2: until then answered "in progress", and the peer asks again).
 */
final class StreamResets {

    interface Host {
        SendQueue sendQueue();

        ReceiveQueue receiveQueue();

        void queueControl(ReConfigChunk chunk);

        /** Sends what is queued now: a timer fired, no packet is being handled. */
        void flush();

        long rtoMillis();

        void onOutgoingReset(int[] streams);

        void onIncomingReset(int[] streams);
    }

    private final Host host;
    private final SctpTimer timer;
    private final Set<Integer> waiting = new LinkedHashSet<>();
    private final Queue<ReConfigChunk.Parameter> responses = new ArrayDeque<>();
    private ReConfigChunk.OutgoingResetRequest inFlight;
    private long nextRequestSequenceNumber;
    private long expectedPeerSequenceNumber;
    private long lastPeerResult;

    StreamResets(Host host, SctpScheduler scheduler) {
        this.host = host;
        this.timer = new SctpTimer(scheduler, this::onTimeout);
    }

    /** §5.1.1 and §5.2.1: both sequences start at the initial TSNs. */
    void onEstablished(long localInitialTsn, long peerInitialTsn) {
        nextRequestSequenceNumber = localInitialTsn & 0xffffffffL;
        expectedPeerSequenceNumber = peerInitialTsn & 0xffffffffL;
    }

    void reset(int[] streams) {
        for (int stream : streams) {
            waiting.add(stream);
        }
        sendNext();
    }

    private void sendNext() {
        if (inFlight != null || waiting.isEmpty()) {
            return;
        }
        int[] streams = waiting.stream().mapToInt(Integer::intValue).toArray();
        waiting.clear();
        inFlight = new ReConfigChunk.OutgoingResetRequest(nextRequestSequenceNumber,
                (expectedPeerSequenceNumber - 1) & 0xffffffffL, host.sendQueue().lastAssignedTsn() & 0xffffffffL,
                streams);
        nextRequestSequenceNumber = (nextRequestSequenceNumber + 1) & 0xffffffffL;
        transmit();
    }

    private void transmit() {
        host.queueControl(new ReConfigChunk(java.util.List.of(inFlight)));
        timer.start(host.rtoMillis());
    }

    private void onTimeout() {
        if (inFlight != null) {
            transmit();
            host.flush();
        }
    }

    void onReConfig(ReConfigChunk chunk) {
        for (ReConfigChunk.Parameter parameter : chunk.parameters()) {
            switch (parameter) {
                case ReConfigChunk.OutgoingResetRequest request -> onPeerRequest(request.requestSequenceNumber(),
                        request.senderLastAssignedTsn(), request.streams());
                case ReConfigChunk.IncomingResetRequest request -> onPeerRequest(request.requestSequenceNumber(), -1,
                        request.streams());
                case ReConfigChunk.Response response -> onResponse(response);
            }
        }
        if (!responses.isEmpty()) {
            host.queueControl(new ReConfigChunk(java.util.List.copyOf(responses)));
            responses.clear();
        }
    }

    /** {@code lastAssignedTsn} -1: an Incoming SSN Reset Request, which WebRTC never sends; denied (§4.4 result 2). */
    private void onPeerRequest(long sequenceNumber, long lastAssignedTsn, int[] streams) {
        if (sequenceNumber == ((expectedPeerSequenceNumber - 1) & 0xffffffffL)) {
            responses.add(new ReConfigChunk.Response(sequenceNumber, lastPeerResult)); // §5.2.1: a retransmission
            return;
        }
        if (sequenceNumber != expectedPeerSequenceNumber) {
            responses.add(new ReConfigChunk.Response(sequenceNumber, ReConfigChunk.RESULT_ERROR_BAD_SEQUENCE_NUMBER));
            return;
        }
        long result;
        if (lastAssignedTsn < 0) {
            result = ReConfigChunk.RESULT_DENIED;
        } else if (!host.receiveQueue().receivedThrough(lastAssignedTsn)) {
            responses.add(new ReConfigChunk.Response(sequenceNumber, ReConfigChunk.RESULT_IN_PROGRESS));
            return;
        } else {
            host.receiveQueue().resetIncomingStreams(streams);
            host.onIncomingReset(streams);
            result = ReConfigChunk.RESULT_SUCCESS_PERFORMED;
        }
        expectedPeerSequenceNumber = (expectedPeerSequenceNumber + 1) & 0xffffffffL;
        lastPeerResult = result;
        responses.add(new ReConfigChunk.Response(sequenceNumber, result));
    }

    private void onResponse(ReConfigChunk.Response response) {
        if (inFlight == null || response.responseSequenceNumber() != inFlight.requestSequenceNumber()) {
            return;
        }
        if (response.result() == ReConfigChunk.RESULT_IN_PROGRESS) {
            return; // asked again when the timer fires
        }
        int[] streams = inFlight.streams();
        inFlight = null;
        timer.stop();
        if (response.result() == ReConfigChunk.RESULT_SUCCESS_PERFORMED
                || response.result() == ReConfigChunk.RESULT_SUCCESS_NOTHING_TO_DO) {
            host.sendQueue().resetSequenceNumbers(streams);
            host.onOutgoingReset(streams);
        }
        sendNext();
    }

    void stop() {
        timer.stop();
    }
}
