package io.sluice.worker.sctp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * Stream reconfiguration (RFC 6525) as WebRTC uses it to close data channels (RFC 8831 §6.7).
 *
 * <p>This side's Outgoing SSN Reset Requests go one at a time (§5.1.1), the streams asked for
 * meanwhile gathered into the next one, and each is retransmitted unchanged (same sequence
 * number) when the RE-CONFIG timer fires, the timer backing off as T3-rtx does, until a response
 * arrives: a lost request and a lost response end the same way, since the peer answers a
 * retransmitted request with the result it gave before (§5.2.1).
 *
 * <p>The peer's requests are accepted in sequence-number order, each one at once, even when it
 * cannot be performed yet (§5.2.2 "deferred reset processing": some TSN up to its Sender's Last
 * Assigned TSN is missing): it is answered "in progress", performed as soon as the missing data
 * arrives, in order, and answered "performed" then without waiting to be asked again. Accepting
 * it at once matters with peers that keep several requests outstanding (pion/sctp does, when two
 * channels close together): the next request then finds the sequence number it expects instead of
 * being refused as "bad sequence number", which would leave its stream open on our side for
 * ever. The results of the last requests are remembered, so that a retransmission of any of them
 * gets the same answer again (§5.2.1).
 */
final class StreamResets {

    interface Host {
        /** The TSN of the last DATA fragment queued: a reset request's Sender's Last Assigned TSN (§4.1). */
        long lastAssignedTsn();

        /** Whether every TSN up to {@code wireTsn} has arrived. */
        boolean receivedThrough(long wireTsn);

        void queueControl(ReConfigChunk chunk);

        /** Sends what is queued now: a timer fired, no packet is being handled. */
        void flush();

        long rtoMillis();

        long rtoMaxMillis();

        /** The peer performed this side's reset: the streams' outgoing sequence numbers start at 0 again. */
        void onOutgoingReset(int[] streams);

        /** The peer's reset is performed here: the streams' incoming sequence numbers start at 0 again. */
        void onIncomingReset(int[] streams);
    }

    /** Enough for every request a peer could reasonably keep outstanding at once. */
    private static final int REMEMBERED_RESULTS = 64;

    private record PeerRequest(long sequenceNumber, long senderLastAssignedTsn, int[] streams) {}

    private final Host host;
    private final SctpTimer timer;
    private final Set<Integer> waiting = new LinkedHashSet<>();
    private final Queue<PeerRequest> deferred = new ArrayDeque<>();
    private final List<ReConfigChunk.Parameter> responses = new ArrayList<>();
    private final Map<Long, Long> peerResults = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > REMEMBERED_RESULTS;
        }
    };
    private ReConfigChunk.OutgoingResetRequest inFlight;
    private int expiries;
    private long nextRequestSequenceNumber;
    private long expectedPeerSequenceNumber;

    StreamResets(Host host, SctpScheduler scheduler) {
        this.host = host;
        this.timer = new SctpTimer(scheduler, this::onTimeout);
    }

    /** §5.1.1 and §5.2.1: both sequences start at the initial TSNs. */
    void onEstablished(long localInitialTsn, long peerInitialTsn) {
        nextRequestSequenceNumber = localInitialTsn & 0xffffffffL;
        expectedPeerSequenceNumber = peerInitialTsn & 0xffffffffL;
    }

    /** Asks the peer to take these outgoing streams back to sequence number 0 (§5.1.2). */
    void reset(int[] streams) {
        for (int stream : streams) {
            waiting.add(stream);
        }
        sendNext();
    }

    /** Whether a request of this side is waiting for its response. */
    boolean requestInFlight() {
        return inFlight != null;
    }

    private void sendNext() {
        if (inFlight != null || waiting.isEmpty()) {
            return;
        }
        int[] streams = waiting.stream().mapToInt(Integer::intValue).toArray();
        waiting.clear();
        inFlight = new ReConfigChunk.OutgoingResetRequest(nextRequestSequenceNumber,
                (expectedPeerSequenceNumber - 1) & 0xffffffffL, host.lastAssignedTsn() & 0xffffffffL, streams);
        nextRequestSequenceNumber = (nextRequestSequenceNumber + 1) & 0xffffffffL;
        expiries = 0;
        transmit();
    }

    private void transmit() {
        host.queueControl(new ReConfigChunk(List.of(inFlight)));
        timer.start(timeoutMillis());
    }

    /** §5.1.1: the RE-CONFIG timer runs on the RTO and backs off like T3-rtx (RFC 9260 §6.3.3 E2). */
    private long timeoutMillis() {
        long timeout = host.rtoMillis() << Math.min(expiries, 16);
        return Math.min(timeout, Math.max(host.rtoMaxMillis(), host.rtoMillis()));
    }

    private void onTimeout() {
        if (inFlight != null) {
            expiries++;
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
        queueResponses();
    }

    /** New DATA or a FORWARD TSN moved the cumulative TSN: deferred requests may be performed now. */
    void onCumulativeTsnAdvanced() {
        performDeferred(true);
        queueResponses();
    }

    /** {@code lastAssignedTsn} -1: an Incoming SSN Reset Request, which WebRTC never sends; denied (§4.4 result 2). */
    private void onPeerRequest(long sequenceNumber, long lastAssignedTsn, int[] streams) {
        if (sequenceNumber != expectedPeerSequenceNumber) {
            Long earlier = peerResults.get(sequenceNumber);
            // §5.2.1: a retransmission gets the answer given before; anything else is out of sequence
            respond(sequenceNumber, earlier != null ? earlier : ReConfigChunk.RESULT_ERROR_BAD_SEQUENCE_NUMBER);
            return;
        }
        expectedPeerSequenceNumber = (expectedPeerSequenceNumber + 1) & 0xffffffffL;
        if (lastAssignedTsn < 0) {
            peerResults.put(sequenceNumber, ReConfigChunk.RESULT_DENIED);
        } else {
            peerResults.put(sequenceNumber, ReConfigChunk.RESULT_IN_PROGRESS);
            deferred.add(new PeerRequest(sequenceNumber, lastAssignedTsn, streams));
            performDeferred(false);
        }
        respond(sequenceNumber, peerResults.get(sequenceNumber));
    }

    /** §5.2.2: performs, in order, the deferred requests whose data has all arrived. */
    private void performDeferred(boolean announce) {
        while (!deferred.isEmpty() && host.receivedThrough(deferred.peek().senderLastAssignedTsn())) {
            PeerRequest request = deferred.poll();
            host.onIncomingReset(request.streams());
            peerResults.put(request.sequenceNumber(), ReConfigChunk.RESULT_SUCCESS_PERFORMED);
            if (announce) {
                respond(request.sequenceNumber(), ReConfigChunk.RESULT_SUCCESS_PERFORMED);
            }
        }
    }

    private void respond(long sequenceNumber, long result) {
        responses.add(new ReConfigChunk.Response(sequenceNumber, result));
    }

    /** §3.1: a RE-CONFIG carries at most two parameters; more responses take more chunks. */
    private void queueResponses() {
        for (int i = 0; i < responses.size(); i += 2) {
            host.queueControl(new ReConfigChunk(responses.subList(i, Math.min(i + 2, responses.size()))));
        }
        responses.clear();
    }

    private void onResponse(ReConfigChunk.Response response) {
        if (inFlight == null || response.responseSequenceNumber() != inFlight.requestSequenceNumber()) {
            return; // an answer to a request already settled, repeated by a retransmission
        }
        if (response.result() == ReConfigChunk.RESULT_IN_PROGRESS) {
            expiries = 0;
            timer.start(timeoutMillis()); // §5.2.7: asked again when the timer fires
            return;
        }
        int[] streams = inFlight.streams();
        inFlight = null;
        timer.stop();
        if (response.result() == ReConfigChunk.RESULT_SUCCESS_PERFORMED
                || response.result() == ReConfigChunk.RESULT_SUCCESS_NOTHING_TO_DO) {
            host.onOutgoingReset(streams);
        }
        sendNext();
    }

    void stop() {
        timer.stop();
    }
}
