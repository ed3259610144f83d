package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stream reset (RFC 6525) against a scripted peer: requests and responses are handed in and read
 * out as {@link ReConfigChunk}s, the data received is a number the test moves, time is a
 * {@link ManualScheduler}. The cases are the ones a lossy path and a peer with several requests
 * outstanding (pion/sctp) produce.
 */
class StreamResetsTest {

    private static final long LOCAL_INITIAL_TSN = 1000;
    private static final long PEER_INITIAL_TSN = 5000;
    private static final long RTO = 1000;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeHost host = new FakeHost();
    private final StreamResets resets = new StreamResets(host, scheduler);

    /** The association around: what it queued, what the peer sent that arrived, what was reset. */
    private static final class FakeHost implements StreamResets.Host {
        final List<ReConfigChunk> queued = new ArrayList<>();
        final List<Integer> incomingResets = new ArrayList<>();
        final List<Integer> outgoingResets = new ArrayList<>();
        long lastAssignedTsn = LOCAL_INITIAL_TSN + 9;
        long receivedThrough = PEER_INITIAL_TSN - 1;
        int flushes;

        @Override
        public long lastAssignedTsn() {
            return lastAssignedTsn;
        }

        @Override
        public boolean receivedThrough(long wireTsn) {
            return wireTsn <= receivedThrough;
        }

        @Override
        public void queueControl(ReConfigChunk chunk) {
            queued.add(chunk);
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public long rtoMillis() {
            return RTO;
        }

        @Override
        public long rtoMaxMillis() {
            return 60_000;
        }

        @Override
        public void onOutgoingReset(int[] streams) {
            for (int stream : streams) {
                outgoingResets.add(stream);
            }
        }

        @Override
        public void onIncomingReset(int[] streams) {
            for (int stream : streams) {
                incomingResets.add(stream);
            }
        }

        List<ReConfigChunk.Parameter> takeQueued() {
            List<ReConfigChunk.Parameter> parameters = new ArrayList<>();
            for (ReConfigChunk chunk : queued) {
                assertThat(chunk.parameters()).as("RFC 6525 §3.1: one or two parameters a chunk").hasSizeBetween(1, 2);
                parameters.addAll(chunk.parameters());
            }
            queued.clear();
            return parameters;
        }
    }

    @BeforeEach
    void establish() {
        resets.onEstablished(LOCAL_INITIAL_TSN, PEER_INITIAL_TSN);
    }

    private void peerAsksToReset(long sequenceNumber, long lastAssignedTsn, int... streams) {
        resets.onReConfig(new ReConfigChunk(List.of(new ReConfigChunk.OutgoingResetRequest(sequenceNumber,
                LOCAL_INITIAL_TSN - 1, lastAssignedTsn, streams))));
    }

    private static ReConfigChunk.Response response(long sequenceNumber, long result) {
        return new ReConfigChunk.Response(sequenceNumber, result);
    }

    @Test
    void rfc6525_section5_2_2_aRequestWhoseDataIsAllHereIsPerformedAtOnce() {
        host.receivedThrough = PEER_INITIAL_TSN + 20;

        peerAsksToReset(PEER_INITIAL_TSN, PEER_INITIAL_TSN + 20, 0);

        assertThat(host.incomingResets).containsExactly(0);
        assertThat(host.takeQueued()).containsExactly(response(PEER_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED));
    }

    @Test
    void rfc6525_section5_2_2_twoRequestsOutstandingWaitForTheirDataAndAreBothPerformedInOrder() {
        // pion closes two channels at once: request N waits for data still on its way, N+1 follows at once
        peerAsksToReset(PEER_INITIAL_TSN, PEER_INITIAL_TSN + 5, 1);
        peerAsksToReset(PEER_INITIAL_TSN + 1, PEER_INITIAL_TSN + 6, 0);

        assertThat(host.incomingResets).isEmpty();
        assertThat(host.takeQueued()).as("both accepted, neither refused as out of sequence").containsExactly(
                response(PEER_INITIAL_TSN, ReConfigChunk.RESULT_IN_PROGRESS),
                response(PEER_INITIAL_TSN + 1, ReConfigChunk.RESULT_IN_PROGRESS));

        host.receivedThrough = PEER_INITIAL_TSN + 5;
        resets.onCumulativeTsnAdvanced();
        assertThat(host.incomingResets).containsExactly(1);
        host.receivedThrough = PEER_INITIAL_TSN + 6;
        resets.onCumulativeTsnAdvanced();

        assertThat(host.incomingResets).containsExactly(1, 0);
        assertThat(host.takeQueued()).as("performed, said without waiting to be asked again").containsExactly(
                response(PEER_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED),
                response(PEER_INITIAL_TSN + 1, ReConfigChunk.RESULT_SUCCESS_PERFORMED));
    }

    @Test
    void rfc6525_section5_2_1_aRetransmittedRequestGetsTheSameAnswerAndIsNotPerformedTwice() {
        host.receivedThrough = PEER_INITIAL_TSN + 20;
        peerAsksToReset(PEER_INITIAL_TSN, PEER_INITIAL_TSN + 3, 0);
        peerAsksToReset(PEER_INITIAL_TSN + 1, PEER_INITIAL_TSN + 4, 2);
        host.takeQueued();

        // our responses were lost: the peer sends both again, in one chunk
        resets.onReConfig(new ReConfigChunk(List.of(
                new ReConfigChunk.OutgoingResetRequest(PEER_INITIAL_TSN, LOCAL_INITIAL_TSN - 1, PEER_INITIAL_TSN + 3,
                        new int[] {0}),
                new ReConfigChunk.OutgoingResetRequest(PEER_INITIAL_TSN + 1, LOCAL_INITIAL_TSN - 1,
                        PEER_INITIAL_TSN + 4, new int[] {2}))));

        assertThat(host.incomingResets).containsExactly(0, 2);
        assertThat(host.takeQueued()).containsExactly(
                response(PEER_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED),
                response(PEER_INITIAL_TSN + 1, ReConfigChunk.RESULT_SUCCESS_PERFORMED));
    }

    @Test
    void rfc6525_section5_2_1_aRequestOutOfSequenceIsRefused() {
        peerAsksToReset(PEER_INITIAL_TSN + 7, PEER_INITIAL_TSN, 0);

        assertThat(host.incomingResets).isEmpty();
        assertThat(host.takeQueued()).containsExactly(
                response(PEER_INITIAL_TSN + 7, ReConfigChunk.RESULT_ERROR_BAD_SEQUENCE_NUMBER));
    }

    @Test
    void rfc6525_section5_1_1_oneRequestInFlightTheRestGatheredIntoTheNext() {
        resets.reset(new int[] {1});
        resets.reset(new int[] {3});
        resets.reset(new int[] {5});

        List<ReConfigChunk.Parameter> sent = host.takeQueued();
        assertThat(sent).hasSize(1);
        ReConfigChunk.OutgoingResetRequest first = (ReConfigChunk.OutgoingResetRequest) sent.getFirst();
        assertThat(first.requestSequenceNumber()).isEqualTo(LOCAL_INITIAL_TSN);
        assertThat(first.senderLastAssignedTsn()).isEqualTo(LOCAL_INITIAL_TSN + 9);
        assertThat(first.streams()).containsExactly(1);

        resets.onReConfig(new ReConfigChunk(List.of(response(LOCAL_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED))));

        assertThat(host.outgoingResets).containsExactly(1);
        ReConfigChunk.OutgoingResetRequest second = (ReConfigChunk.OutgoingResetRequest) host.takeQueued().getFirst();
        assertThat(second.requestSequenceNumber()).isEqualTo(LOCAL_INITIAL_TSN + 1);
        assertThat(second.streams()).containsExactly(3, 5);
    }

    @Test
    void rfc6525_section5_1_1_aLostResponseMeansTheSameRequestAgainWithTheTimerBackingOff() {
        resets.reset(new int[] {1});
        ReConfigChunk.Parameter request = host.takeQueued().getFirst();

        scheduler.runFor(RTO);
        assertThat(host.takeQueued()).as("the same request, same sequence number").containsExactly(request);
        assertThat(host.flushes).isEqualTo(1);
        scheduler.runFor(RTO);
        assertThat(host.takeQueued()).as("not before twice the RTO").isEmpty();
        scheduler.runFor(RTO);
        assertThat(host.takeQueued()).containsExactly(request);

        resets.onReConfig(new ReConfigChunk(List.of(response(LOCAL_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED))));
        resets.onReConfig(new ReConfigChunk(List.of(response(LOCAL_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED))));
        scheduler.runFor(10 * RTO);

        assertThat(host.outgoingResets).as("a repeated answer changes nothing").containsExactly(1);
        assertThat(host.takeQueued()).as("answered: no more retransmissions").isEmpty();
        assertThat(resets.requestInFlight()).isFalse();
    }

    @Test
    void rfc6525_section5_2_7_inProgressKeepsTheRequestAndAsksAgain() {
        resets.reset(new int[] {1});
        ReConfigChunk.Parameter request = host.takeQueued().getFirst();

        resets.onReConfig(new ReConfigChunk(List.of(response(LOCAL_INITIAL_TSN, ReConfigChunk.RESULT_IN_PROGRESS))));
        scheduler.runFor(RTO);

        assertThat(host.takeQueued()).containsExactly(request);
        assertThat(host.outgoingResets).isEmpty();
        assertThat(resets.requestInFlight()).isTrue();
    }

    @Test
    void rfc8831_section6_7_thePeersResetOfAStreamWeAreResettingIsPerformedBesideOurOwn() {
        host.receivedThrough = PEER_INITIAL_TSN + 20;
        resets.reset(new int[] {1});
        host.takeQueued();

        // the peer answers our reset of stream 1 with its own before our request's response
        peerAsksToReset(PEER_INITIAL_TSN, PEER_INITIAL_TSN + 20, 1);
        resets.onReConfig(new ReConfigChunk(List.of(response(LOCAL_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED))));

        assertThat(host.incomingResets).containsExactly(1);
        assertThat(host.outgoingResets).containsExactly(1);
        assertThat(host.takeQueued()).containsExactly(response(PEER_INITIAL_TSN, ReConfigChunk.RESULT_SUCCESS_PERFORMED));
    }
}
