package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two of our associations talking over an in-memory link that loses and reorders packets with a
 * seeded random, on a hand-driven clock: handshake, reliable ordered delivery, partial
 * reliability, stream reset, shutdown and failure.
 */
class SctpAssociationTest {

    private static final SctpConfig CONFIG = SctpConfig.defaults().withMaxMessageSize(65_536, 1 << 20);
    private AssociationPair pair;

    @AfterEach
    void releaseEverything() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void rfc9260_section5_1_fourWayHandshakeEstablishesBothSides() {
        pair = new AssociationPair(CONFIG, 1, 0, 10, 0);

        pair.establish();

        assertThat(pair.a.states).containsExactly(SctpState.COOKIE_WAIT, SctpState.COOKIE_ECHOED, SctpState.ESTABLISHED);
        assertThat(pair.b.states).containsExactly(SctpState.ESTABLISHED);
        assertThat(pair.a.out.sent).as("INIT, COOKIE ECHO").isEqualTo(2);
        assertThat(pair.b.out.sent).as("INIT ACK, COOKIE ACK").isEqualTo(2);
    }

    @Test
    void rfc9260_section5_1_handshakeSurvivesLossByRetransmittingInitAndCookie() {
        pair = new AssociationPair(CONFIG, 7, 0.4, 10, 5);

        pair.establish();

        assertThat(pair.a.out.dropped + pair.b.out.dropped).as("the seed loses handshake packets").isPositive();
    }

    @Test
    void rfc9260_section5_2_1_initCollisionEstablishesOneAssociation() {
        pair = new AssociationPair(CONFIG, 3, 0, 10, 0);

        pair.a.association.connect();
        pair.b.association.connect();
        pair.scheduler.runUntil(() -> pair.a.state() == SctpState.ESTABLISHED
                && pair.b.state() == SctpState.ESTABLISHED, 60_000, "both established");

        sendText(pair.a, 1, "over the collided association");
        pair.scheduler.runUntil(() -> pair.b.received.size() == 1, 60_000, "a message");
    }

    @Test
    void rfc9260_section6_thousandMixedSizeMessagesArriveInOrderOverALossyReorderingLink() {
        pair = new AssociationPair(CONFIG, 42, 0.05, 20, 15);
        pair.establish();
        SplittableRandom sizes = new SplittableRandom(5);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int size = switch (i % 4) {
                case 0 -> 1 + sizes.nextInt(100);
                case 1 -> 1 + sizes.nextInt(1_500);
                case 2 -> 1 + sizes.nextInt(20_000);
                default -> i % 40 == 3 ? CONFIG.maxMessageSize() : 1 + sizes.nextInt(4_000);
            };
            byte[] message = pattern(i, size);
            sent.add(message);
            assertThat(pair.a.association.send(1, DataChannelPpid.BINARY, true, Reliability.RELIABLE,
                    pair.payload(message))).isEqualTo(SendResult.QUEUED);
        }

        pair.scheduler.runUntil(() -> pair.b.received.size() == 1000 && pair.a.association.bufferedBytes() == 0,
                3_600_000, "1000 messages acknowledged");

        for (int i = 0; i < 1000; i++) {
            assertThat(pair.b.received.get(i).payload()).as("message %d", i).isEqualTo(sent.get(i));
        }
        assertThat(pair.a.out.dropped).as("the link lost packets").isGreaterThan(50);
        assertThat(pair.a.association.state()).isEqualTo(SctpState.ESTABLISHED);
    }

    @Test
    void rfc3758_section3_5_unorderedWithoutRetransmissionsDeliversWhatArrivesWithoutStalling() {
        pair = new AssociationPair(CONFIG, 11, 0.1, 20, 15);
        pair.establish();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] message = pattern(i, 100 + (i * 37) % 3_000); // some span two or three DATA chunks
            sent.add(message);
            pair.a.association.send(2, DataChannelPpid.BINARY, false, Reliability.maxRetransmits(0),
                    pair.payload(message));
        }
        sendText(pair.a, 4, "after the lossy burst");

        pair.scheduler.runUntil(() -> received(pair.b, 4).size() == 1 && pair.a.association.bufferedBytes() == 0,
                600_000, "the reliable message after the unreliable ones");

        pair.scheduler.runUntil(() -> !pair.b.association.hasReceiveGaps(), 60_000,
                "FORWARD TSN moving the receiver past every abandoned TSN");
        pair.scheduler.runFor(300_000);
        assertThat(pair.a.state()).as("no retransmission timer left running").isEqualTo(SctpState.ESTABLISHED);
        List<byte[]> unreliable = received(pair.b, 2);
        assertThat(unreliable.size()).as("loss took some, the rest arrived").isBetween(150, 299);
        HashSet<Integer> seen = new HashSet<>();
        for (byte[] message : unreliable) {
            int index = message[0] & 0xff | (message[1] & 0xff) << 8;
            assertThat(message).as("message %d whole", index).isEqualTo(sent.get(index));
            assertThat(seen.add(index)).as("message %d once", index).isTrue();
        }
    }

    @Test
    void rfc3758_section3_5_expiredOrderedMessagesAreSkippedAndTheStreamGoesOn() {
        pair = new AssociationPair(CONFIG, 13, 0, 20, 0);
        pair.establish();
        pair.a.out.blackhole = true;
        for (int i = 0; i < 20; i++) {
            pair.a.association.send(5, DataChannelPpid.BINARY, true, Reliability.maxPacketLifeTime(500),
                    pair.payload(pattern(i, 2_000)));
        }
        pair.scheduler.runFor(3_000);
        pair.a.out.blackhole = false;

        pair.a.association.send(5, DataChannelPpid.STRING, true, Reliability.maxPacketLifeTime(60_000),
                pair.payload("after the outage".getBytes(StandardCharsets.UTF_8)));
        pair.scheduler.runUntil(() -> !received(pair.b, 5).isEmpty(), 600_000, "the message after the outage");

        assertThat(received(pair.b, 5)).hasSize(1);
        assertThat(new String(received(pair.b, 5).getFirst(), StandardCharsets.UTF_8)).isEqualTo("after the outage");
    }

    @Test
    void rfc6525_section5_outgoingStreamResetStartsTheStreamAtSequenceZeroAgain() {
        pair = new AssociationPair(CONFIG, 17, 0.05, 20, 10);
        pair.establish();
        for (int i = 0; i < 3; i++) {
            sendText(pair.a, 3, "before " + i);
        }

        pair.a.association.resetStreams(3);
        pair.scheduler.runUntil(() -> pair.a.outgoingResets.contains(3) && pair.b.incomingResets.contains(3), 600_000,
                "the reset performed");
        for (int i = 0; i < 2; i++) {
            sendText(pair.a, 3, "after " + i);
        }
        pair.scheduler.runUntil(() -> received(pair.b, 3).size() == 5, 600_000, "all five messages");

        assertThat(received(pair.b, 3)).extracting(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .containsExactly("before 0", "before 1", "before 2", "after 0", "after 1");
    }

    @Test
    void rfc6525_section5_1_1_aLostResetRequestIsSentAgainWhenItsTimerFires() {
        pair = new AssociationPair(CONFIG, 37, 0, 20, 0);
        pair.establish();
        sendText(pair.a, 3, "before");
        pair.scheduler.runUntil(() -> received(pair.b, 3).size() == 1, 60_000, "the first message");

        pair.a.out.blackhole = true;
        pair.a.association.resetStreams(3);
        pair.scheduler.runFor(50);
        pair.a.out.blackhole = false;
        pair.scheduler.runUntil(() -> pair.a.outgoingResets.contains(3), 600_000, "the reset performed");

        assertThat(pair.b.incomingResets).containsExactly(3);
    }

    @Test
    void rfc9260_section9_2_shutdownClosesBothSidesOnceQueuedDataIsAcknowledged() {
        pair = new AssociationPair(CONFIG, 19, 0.05, 20, 10);
        pair.establish();
        for (int i = 0; i < 50; i++) {
            sendText(pair.a, 1, "message " + i);
        }

        pair.a.association.shutdown();
        pair.scheduler.runUntil(() -> pair.a.state() == SctpState.CLOSED && pair.b.state() == SctpState.CLOSED,
                600_000, "both closed");

        assertThat(pair.b.received).hasSize(50);
        assertThat(pair.a.association.closeReason()).isEqualTo("shut down");
        assertThat(pair.b.association.closeReason()).isEqualTo("shut down");
    }

    @Test
    void rfc9260_section9_1_abortClosesThePeerAtOnce() {
        pair = new AssociationPair(CONFIG, 23, 0, 20, 0);
        pair.establish();

        pair.a.association.abort("going away");
        pair.scheduler.runUntil(() -> pair.b.state() == SctpState.CLOSED, 10_000, "b closed");

        assertThat(pair.b.association.closeReason()).startsWith("peer aborted");
    }

    @Test
    void rfc9260_section8_1_unreachablePeerFailsTheAssociationAfterMaxRetransmissions() {
        pair = new AssociationPair(CONFIG, 29, 0, 20, 0);
        pair.establish();
        pair.a.out.blackhole = true;

        sendText(pair.a, 1, "into the void");
        pair.scheduler.runUntil(() -> pair.a.state() == SctpState.CLOSED, 3_600_000, "a gave up");

        assertThat(pair.a.association.closeReason()).contains("unreachable");
    }

    @Test
    void rfc9260_section6_messagesLargerThanTheMaxMessageSizeAreRefused() {
        pair = new AssociationPair(CONFIG, 31, 0, 20, 0);
        pair.establish();

        assertThat(pair.a.association.send(1, DataChannelPpid.BINARY, true, Reliability.RELIABLE,
                pair.payload(new byte[CONFIG.maxMessageSize() + 1]))).isEqualTo(SendResult.TOO_LARGE);
        assertThat(pair.a.association.send(CONFIG.streams(), DataChannelPpid.BINARY, true, Reliability.RELIABLE,
                pair.payload(new byte[1]))).isEqualTo(SendResult.INVALID_STREAM);
        assertThat(pair.a.association.send(1, DataChannelPpid.BINARY, true, Reliability.RELIABLE,
                pair.payload(new byte[0]))).isEqualTo(SendResult.EMPTY);
    }

    private static void sendText(AssociationPair.Side side, int stream, String text) {
        assertThat(side.association.send(stream, DataChannelPpid.STRING, true, Reliability.RELIABLE,
                AssociationPair.ALLOCATOR.buffer().writeBytes(text.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(SendResult.QUEUED);
    }

    private static List<byte[]> received(AssociationPair.Side side, int stream) {
        return side.received.stream().filter(r -> r.streamId() == stream).map(AssociationPair.Received::payload)
                .toList();
    }

    /** {@code size} bytes starting with the message's index (little endian), then a pattern of it. */
    static byte[] pattern(int index, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (index * 31 + i);
        }
        if (size >= 2) {
            bytes[0] = (byte) index;
            bytes[1] = (byte) (index >> 8);
        }
        return bytes;
    }
}
