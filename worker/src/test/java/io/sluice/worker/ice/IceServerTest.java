package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.worker.ice.TransportTuple.Protocol;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ICE-lite agent driven like its transport would, with a fake clock and a recording listener. */
class IceServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int LOCAL_ID = 1;

    private final TestClock clock = new TestClock();
    private final RecordingIceListener listener = new RecordingIceListener();
    private IceServer server;

    @BeforeEach
    void createServer() {
        server = newServer(StunRateLimiter.perTransport());
    }

    private IceServer newServer(StunRateLimiter limiter) {
        return new IceServer(listener, PooledByteBufAllocator.DEFAULT, clock, new SplittableRandom(8445), limiter,
                IceServer.Options.defaults());
    }

    @Test
    void rfc8839_section5_4_credentialsAreRandomIceCharsOfMediasoupLengths() {
        assertThat(server.usernameFragment()).hasSize(16).matches("[A-Za-z0-9+/]+");
        assertThat(server.password()).hasSize(32).matches("[A-Za-z0-9+/]+");
        assertThat(listener.takeEvents()).containsExactly("ufrag+ " + server.usernameFragment());
        assertThat(server.state()).isEqualTo(IceState.NEW);
    }

    @Test
    void rfc8445_section7_3_1_validCheckIsAnsweredAndConnects() {
        listener.takeEvents();
        byte[] request = send(BindingCheck.to(server), 5001);

        assertSuccess(listener.lastResponse(), request, 5001, server.password());
        assertThat(listener.lastResponse().tuple().remoteAddress()).isEqualTo(remote(5001));
        assertThat(listener.takeEvents()).containsExactly("added 5001", "selected 5001", "state CONNECTED");
        assertThat(server.state()).isEqualTo(IceState.CONNECTED);
        assertThat(server.selectedTuple().matches(LOCAL_ID, remote(5001), Protocol.UDP)).isTrue();
        assertThat(server.findTuple(LOCAL_ID, remote(5001), Protocol.UDP)).isSameAs(server.selectedTuple());
        assertThat(server.findTuple(LOCAL_ID, remote(5001), Protocol.TCP)).isNull();
        assertThat(server.findTuple(2, remote(5001), Protocol.UDP)).isNull();
    }

    @Test
    void aKnownAddressReusesItsTupleInsteadOfAllocatingOne() {
        send(BindingCheck.to(server), 5001);
        send(BindingCheck.to(server), 5001);
        send(BindingCheck.to(server).useCandidate(), 5001);

        assertThat(listener.responses).hasSize(3);
        assertThat(listener.responses.get(1).tuple()).isSameAs(listener.responses.get(0).tuple());
        assertThat(listener.responses.get(2).tuple()).isSameAs(server.selectedTuple());
        assertThat(server.tuples()).hasSize(1);
    }

    @Test
    void theListenerMayCloseTheServerWhileItSendsAResponse() {
        listener.afterResponse = server::close;
        send(BindingCheck.to(server).useCandidate(), 5001);

        assertThat(server.state()).isEqualTo(IceState.CLOSED);
        assertThat(server.tuples()).isEmpty();
        assertThat(listener.events).doesNotContain("added 5001");
    }

    @Test
    void rfc8445_section7_3_1_5_useCandidateCompletes() {
        send(BindingCheck.to(server), 5001);
        listener.takeEvents();
        send(BindingCheck.to(server).useCandidate(), 5001);

        assertThat(listener.takeEvents()).containsExactly("state COMPLETED");
        assertThat(server.state()).isEqualTo(IceState.COMPLETED);
    }

    @Test
    void nominationOnTheFirstCheckGoesStraightToCompleted() {
        listener.takeEvents();
        send(BindingCheck.to(server).useCandidate(), 5001);

        assertThat(listener.takeEvents()).containsExactly("added 5001", "selected 5001", "state COMPLETED");
    }

    @Test
    void anotherTupleIsValidButOnlyNominationSelectsIt() {
        send(BindingCheck.to(server).useCandidate(), 5001);
        listener.takeEvents();

        send(BindingCheck.to(server), 5002);
        assertThat(listener.takeEvents()).containsExactly("added 5002");
        assertThat(server.selectedTuple().remoteAddress().getPort()).isEqualTo(5001);
        assertThat(server.tuples()).hasSize(2);

        send(BindingCheck.to(server).useCandidate(), 5002);
        assertThat(listener.takeEvents()).containsExactly("selected 5002");
        assertThat(server.state()).isEqualTo(IceState.COMPLETED);
    }

    @Test
    void udpAndTcpFromTheSameAddressAreDistinctTuples() {
        send(BindingCheck.to(server), LOCAL_ID, 5001, Protocol.UDP);
        send(BindingCheck.to(server), 7, 5001, Protocol.TCP);

        assertThat(server.tuples()).hasSize(2);
        assertThat(server.findTuple(7, remote(5001), Protocol.TCP)).isNotNull().isNotSameAs(server.selectedTuple());
        assertThat(listener.responses.get(1).tuple().protocol()).isEqualTo(Protocol.TCP);
    }

    @Test
    void renominationFollowsOnlyHigherNominationValues() {
        send(BindingCheck.to(server).nomination(1), 5001);
        assertThat(server.state()).isEqualTo(IceState.COMPLETED);
        listener.takeEvents();

        send(BindingCheck.to(server).nomination(3), 5002);
        assertThat(listener.takeEvents()).containsExactly("added 5002", "selected 5002");

        send(BindingCheck.to(server).nomination(2), 5001);
        assertThat(listener.takeEvents()).isEmpty();
        assertThat(server.selectedTuple().remoteAddress().getPort()).isEqualTo(5002);
        assertThat(listener.lastResponse().bytes()[1]).isEqualTo((byte) 0x01); // still answered: success

        send(BindingCheck.to(server).nomination(4), 5001);
        assertThat(listener.takeEvents()).containsExactly("selected 5001");
    }

    @Test
    void staleNominationOnAFreshServerOnlyConnects() {
        send(BindingCheck.to(server).nomination(0), 5001);
        assertThat(server.state()).isEqualTo(IceState.CONNECTED);
    }

    @Test
    void rfc8445_section7_3_1_1_peerClaimingControlledGets487WithIntegrity() {
        byte[] request = send(BindingCheck.to(server).controlled(), 5001);

        StunMessage response = assertError(listener.lastResponse(), request, StunErrorCode.ROLE_CONFLICT);
        assertThat(response.isMessageIntegrityValid(StunMessage.newShortTermMac(server.password()))).isTrue();
        assertThat(server.dropCount(IceDropReason.ROLE_CONFLICT)).isEqualTo(1);
        assertThat(server.tuples()).isEmpty();
        assertThat(server.state()).isEqualTo(IceState.NEW);
    }

    @Test
    void missingRequiredAttributesGet400() {
        BindingCheck[] checks = {
            BindingCheck.to(server).withoutRole(),
            BindingCheck.to(server).withoutPriority(),
            BindingCheck.to(server).withoutIntegrity(),
            BindingCheck.to(server).withoutFingerprint(),
        };
        for (BindingCheck check : checks) {
            byte[] request = send(check, 5001);
            StunMessage response = assertError(listener.lastResponse(), request, StunErrorCode.BAD_REQUEST);
            assertThat(response.hasMessageIntegrity()).isFalse();
        }
        assertThat(server.dropCount(IceDropReason.MISSING_ATTRIBUTE)).isEqualTo(4);
        assertThat(server.tuples()).isEmpty();
    }

    @Test
    void rfc8489_section9_1_3_unknownUsernameOrWrongPasswordGets401() {
        byte[] request = send(BindingCheck.to(server).username("someoneelse:peer"), 5001);
        assertError(listener.lastResponse(), request, StunErrorCode.UNAUTHORIZED);
        request = send(BindingCheck.to(server).username(server.usernameFragment()), 5001); // no colon
        assertError(listener.lastResponse(), request, StunErrorCode.UNAUTHORIZED);
        request = send(BindingCheck.to(server).password("a wrong password, long enough"), 5001);
        assertError(listener.lastResponse(), request, StunErrorCode.UNAUTHORIZED);

        assertThat(server.dropCount(IceDropReason.UNKNOWN_USERNAME)).isEqualTo(2);
        assertThat(server.dropCount(IceDropReason.BAD_INTEGRITY)).isEqualTo(1);
        assertThat(server.state()).isEqualTo(IceState.NEW);
    }

    @Test
    void badFingerprintIndicationsResponsesAndGarbageAreDroppedSilently() {
        ByteBuf badFingerprint = BindingCheck.to(server).build();
        badFingerprint.setByte(badFingerprint.writerIndex() - 1, badFingerprint.getByte(badFingerprint.writerIndex() - 1) ^ 1);
        process(badFingerprint, 5001);
        process(BindingCheck.to(server).messageClass(StunMessage.CLASS_INDICATION).build(), 5001);
        process(BindingCheck.to(server).messageClass(StunMessage.CLASS_SUCCESS_RESPONSE).build(), 5001);
        process(PooledByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[] {0, 1, 0, 0}), 5001);

        assertThat(listener.responses).isEmpty();
        assertThat(server.dropCount(IceDropReason.BAD_FINGERPRINT)).isEqualTo(1);
        assertThat(server.dropCount(IceDropReason.NOT_A_REQUEST)).isEqualTo(2);
        assertThat(server.dropCount(IceDropReason.MALFORMED)).isEqualTo(1);
    }

    @Test
    void otherMethodsGet400() {
        byte[] request = send(BindingCheck.to(server).method(0x003), 5001); // a TURN Allocate
        assertError(listener.lastResponse(), request, StunErrorCode.BAD_REQUEST);
        assertThat(server.dropCount(IceDropReason.UNSUPPORTED_METHOD)).isEqualTo(1);
    }

    @Test
    void rfc7675_section5_1_consentExpiresThirtySecondsAfterTheLastCheckOnTheSelectedTuple() {
        send(BindingCheck.to(server).useCandidate(), 5001);
        send(BindingCheck.to(server), 5002);
        listener.takeEvents();

        clock.advanceMillis(20_000);
        send(BindingCheck.to(server), 5001); // consent refreshed at +20 s
        server.tick(clock.advanceMillis(9_999)); // +29.999 s
        assertThat(server.state()).isEqualTo(IceState.COMPLETED);
        server.tick(clock.advanceMillis(1)); // +30 s: the unselected 5002 is stale
        assertThat(listener.takeEvents()).containsExactly("removed 5002");

        clock.advanceMillis(10_000);
        send(BindingCheck.to(server), 5003); // checks elsewhere do not refresh 5001
        listener.takeEvents();
        server.tick(clock.advanceMillis(9_999)); // +49.999 s, 29.999 s after 5001's last check
        assertThat(server.state()).isEqualTo(IceState.COMPLETED);
        server.tick(clock.advanceMillis(1));

        assertThat(server.state()).isEqualTo(IceState.DISCONNECTED);
        assertThat(server.selectedTuple()).isNull();
        assertThat(server.tuples()).isEmpty();
        assertThat(listener.takeEvents()).containsExactlyInAnyOrder("removed 5001", "removed 5003", "state DISCONNECTED");

        send(BindingCheck.to(server), 5001);
        assertThat(listener.takeEvents()).containsExactly("added 5001", "selected 5001", "state CONNECTED");
    }

    @Test
    void rfc8445_section9_restartIceKeepsOldCredentialsUntilTheNewOnesAreUsed() {
        IceCredentials first = server.credentials();
        send(BindingCheck.to(first).useCandidate(), 5001);
        listener.takeEvents();

        IceCredentials second = server.restartIce();
        assertThat(second.usernameFragment()).isNotEqualTo(first.usernameFragment());
        assertThat(second.password()).isNotEqualTo(first.password());
        assertThat(listener.takeEvents()).containsExactly("ufrag+ " + second.usernameFragment());

        byte[] request = send(BindingCheck.to(first), 5001);
        assertSuccess(listener.lastResponse(), request, 5001, first.password());

        request = send(BindingCheck.to(second).useCandidate(), 5001);
        assertSuccess(listener.lastResponse(), request, 5001, second.password());
        assertThat(listener.takeEvents()).containsExactly("ufrag- " + first.usernameFragment());

        request = send(BindingCheck.to(first), 5001);
        assertError(listener.lastResponse(), request, StunErrorCode.UNAUTHORIZED);
    }

    @Test
    void aSecondRestartDropsTheUnusedOldCredentialsAtOnce() {
        IceCredentials first = server.credentials();
        IceCredentials second = server.restartIce();
        listener.takeEvents();
        IceCredentials third = server.restartIce();

        assertThat(listener.takeEvents())
                .containsExactly("ufrag- " + first.usernameFragment(), "ufrag+ " + third.usernameFragment());
        send(BindingCheck.to(first), 5001);
        assertThat(server.dropCount(IceDropReason.UNKNOWN_USERNAME)).isEqualTo(1);
        send(BindingCheck.to(second), 5001);
        assertThat(server.state()).isEqualTo(IceState.CONNECTED);
    }

    @Test
    void restartIceGivesThePeerAFreshConsentPeriod() {
        send(BindingCheck.to(server).useCandidate(), 5001);
        clock.advanceMillis(25_000);
        server.restartIce();
        server.tick(clock.advanceMillis(29_999));
        assertThat(server.state()).isEqualTo(IceState.COMPLETED);
        server.tick(clock.advanceMillis(1));
        assertThat(server.state()).isEqualTo(IceState.DISCONNECTED);
    }

    @Test
    void removingTheSelectedTupleSelectsTheNewestOtherOrDisconnects() {
        send(BindingCheck.to(server).useCandidate(), 5001);
        send(BindingCheck.to(server), 5002);
        send(BindingCheck.to(server), 5003);
        listener.takeEvents();

        server.removeTuple(server.selectedTuple());
        assertThat(listener.takeEvents()).containsExactly("removed 5001", "selected 5003");
        server.removeTuple(server.findTuple(LOCAL_ID, remote(5002), Protocol.UDP));
        assertThat(listener.takeEvents()).containsExactly("removed 5002");
        server.removeTuple(server.selectedTuple());
        assertThat(listener.takeEvents()).containsExactly("removed 5003", "state DISCONNECTED");
        assertThat(server.selectedTuple()).isNull();
    }

    @Test
    void forceSelectedTupleNeedsAValidTupleWhileConnected() {
        send(BindingCheck.to(server), 5001);
        send(BindingCheck.to(server), 5002);
        listener.takeEvents();
        TransportTuple other = server.findTuple(LOCAL_ID, remote(5002), Protocol.UDP);

        assertThat(server.forceSelectedTuple(new TransportTuple(LOCAL_ID, remote(5009), Protocol.UDP))).isFalse();
        assertThat(server.forceSelectedTuple(new TransportTuple(LOCAL_ID, remote(5002), Protocol.UDP))).isTrue();
        assertThat(server.selectedTuple()).isSameAs(other);
        assertThat(listener.takeEvents()).containsExactly("selected 5002");
    }

    @Test
    void theOldestUnselectedTupleMakesRoomBeyondEight() {
        send(BindingCheck.to(server).useCandidate(), 5000);
        for (int port = 5001; port <= 5008; port++) {
            send(BindingCheck.to(server), port);
        }
        assertThat(server.tuples()).hasSize(8);
        assertThat(listener.events).contains("removed 5001").doesNotContain("removed 5000");
        assertThat(server.selectedTuple().remoteAddress().getPort()).isEqualTo(5000);
    }

    @Test
    void closeAnnouncesEverythingGoneAndIgnoresLaterPackets() {
        IceCredentials first = server.credentials();
        send(BindingCheck.to(server).useCandidate(), 5001);
        IceCredentials second = server.restartIce();
        listener.takeEvents();

        server.close();
        assertThat(listener.takeEvents()).containsExactly("ufrag- " + second.usernameFragment(),
                "ufrag- " + first.usernameFragment(), "removed 5001", "state CLOSED");
        int responses = listener.responses.size();
        send(BindingCheck.to(second), 5001);
        server.tick(clock.advanceMillis(60_000));
        server.close();
        assertThat(listener.responses).hasSize(responses);
        assertThat(listener.takeEvents()).isEmpty();
    }

    @Test
    void aFloodOfBadChecksFromOneAddressIsRateLimited() {
        for (int i = 0; i < 100; i++) {
            send(BindingCheck.to(server).password("not the password at all!!"), 6000);
        }
        // The default bucket: a burst of 20 answered 401s, then silence.
        assertThat(listener.responses).hasSize(20);
        assertThat(server.dropCount(IceDropReason.BAD_INTEGRITY)).isEqualTo(20);
        assertThat(server.dropCount(IceDropReason.RATE_LIMITED)).isEqualTo(80);

        // Even a valid check from that address waits for a token; another address is unaffected.
        send(BindingCheck.to(server), 6000);
        assertThat(server.tuples()).isEmpty();
        send(BindingCheck.to(server), new InetSocketAddress("127.0.0.2", 6000), Protocol.UDP);
        assertThat(server.tuples()).hasSize(1);

        // 10 tokens per second come back.
        clock.advanceMillis(1_000);
        for (int i = 0; i < 15; i++) {
            send(BindingCheck.to(server).password("not the password at all!!"), 6000);
        }
        assertThat(server.dropCount(IceDropReason.BAD_INTEGRITY)).isEqualTo(30);
        clock.advanceMillis(100);
        send(BindingCheck.to(server), 6000);
        assertThat(server.tuples()).hasSize(2);
    }

    @Test
    void validTuplesAreNotRateLimited() {
        send(BindingCheck.to(server), 6000);
        for (int i = 0; i < 50; i++) {
            send(BindingCheck.to(server).password("not the password at all!!"), 6000);
        }
        assertThat(server.dropCount(IceDropReason.BAD_INTEGRITY)).isEqualTo(50);
        assertThat(server.dropCount(IceDropReason.RATE_LIMITED)).isZero();
    }

    @Test
    void ipv6PeersGetAnIpv6MappedAddress() throws Exception {
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("::1"), 7000);
        byte[] request = send(BindingCheck.to(server), peer, Protocol.UDP);
        StunMessage response = parse(listener.lastResponse().bytes());
        assertThat(response.xorMappedAddress()).isEqualTo(peer);
        assertThat(Arrays.copyOfRange(listener.lastResponse().bytes(), 8, 20)).isEqualTo(Arrays.copyOfRange(request, 8, 20));
    }

    private byte[] send(BindingCheck check, int port) {
        return send(check, LOCAL_ID, port, Protocol.UDP);
    }

    private byte[] send(BindingCheck check, InetSocketAddress from, Protocol protocol) {
        ByteBuf packet = check.build();
        byte[] bytes = ByteBufUtil.getBytes(packet);
        server.processStunPacket(packet, LOCAL_ID, from, protocol);
        assertThat(packet.release()).isTrue();
        return bytes;
    }

    private byte[] send(BindingCheck check, int localId, int port, Protocol protocol) {
        ByteBuf packet = check.build();
        byte[] bytes = ByteBufUtil.getBytes(packet);
        server.processStunPacket(packet, localId, remote(port), protocol);
        assertThat(packet.release()).isTrue();
        return bytes;
    }

    private void process(ByteBuf packet, int port) {
        server.processStunPacket(packet, LOCAL_ID, remote(port), Protocol.UDP);
        assertThat(packet.release()).isTrue();
    }

    private static InetSocketAddress remote(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    private static StunMessage parse(byte[] bytes) {
        StunMessage message = StunMessage.parse(Unpooled.wrappedBuffer(bytes));
        assertThat(message).isNotNull();
        return message;
    }

    private static void assertSuccess(RecordingIceListener.Response response, byte[] request, int port, String password) {
        StunMessage message = parse(response.bytes());
        assertThat(message.messageClass()).isEqualTo(StunMessage.CLASS_SUCCESS_RESPONSE);
        assertThat(message.method()).isEqualTo(StunMessage.METHOD_BINDING);
        assertThat(Arrays.copyOfRange(response.bytes(), 8, 20)).isEqualTo(Arrays.copyOfRange(request, 8, 20));
        assertThat(message.xorMappedAddress()).isEqualTo(remote(port));
        assertThat(message.isMessageIntegrityValid(StunMessage.newShortTermMac(password))).isTrue();
        assertThat(message.isFingerprintValid()).isTrue();
    }

    private static StunMessage assertError(RecordingIceListener.Response response, byte[] request, StunErrorCode code) {
        StunMessage message = parse(response.bytes());
        assertThat(message.messageClass()).isEqualTo(StunMessage.CLASS_ERROR_RESPONSE);
        assertThat(message.errorCode()).isEqualTo(code.code());
        assertThat(Arrays.copyOfRange(response.bytes(), 8, 20)).isEqualTo(Arrays.copyOfRange(request, 8, 20));
        assertThat(message.isFingerprintValid()).isTrue();
        return message;
    }
}
