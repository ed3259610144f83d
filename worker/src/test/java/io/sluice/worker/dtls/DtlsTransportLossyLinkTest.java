package io.sluice.worker.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sluice against Sluice on real event loops through a network that loses, duplicates and
 * reorders datagrams: BouncyCastle's retransmission timers (RFC 6347 §4.2.4) must carry the
 * handshake through, and both sides must derive mirrored SRTP keys.
 */
class DtlsTransportLossyLinkTest {

    private static final DtlsTransport.Settings FAST_RETRANSMIT =
            new DtlsTransport.Settings(Duration.ofSeconds(30), Duration.ofMillis(100), 1200, 64);

    private static ExecutorService handshakes;
    private static DtlsCertificate clientCertificate;
    private static DtlsCertificate serverCertificate;

    @BeforeAll
    static void start() {
        handshakes = DtlsTransport.newHandshakeExecutor(2);
        clientCertificate = DtlsCertificate.generate();
        serverCertificate = DtlsCertificate.generate();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        handshakes.shutdownNow();
        handshakes.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Seeds chosen so that the first ClientHello is lost and the server's first flight is
     * duplicated or held back behind its retransmission: the first decisions of each link are
     * fixed by the seed, whatever the timing.
     */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"3", "48", "61", "66", "74", "133"})
    void rfc6347_section4_2_4_handshakeSurvivesLossDuplicationAndReordering(long seed) throws Exception {
        try (LoopPeer client = new LoopPeer(handshakes, clientCertificate, FAST_RETRANSMIT);
                LoopPeer server = new LoopPeer(handshakes, serverCertificate, FAST_RETRANSMIT)) {
            LossyLink toServer = new LossyLink(seed, 0.3, 0.15, 0.3, server);
            LossyLink toClient = new LossyLink(seed * 31, 0.3, 0.15, 0.3, client);
            toServer.wire(client);
            toClient.wire(server);

            server.connect(DtlsRole.SERVER, clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            client.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));

            RecordingListener.Connected atClient = client.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            RecordingListener.Connected atServer = server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(atClient.profile()).isEqualTo(SrtpProfile.AEAD_AES_256_GCM).isEqualTo(atServer.profile());
            assertThat(atClient.localKeyAndSalt()).hasSize(44).isEqualTo(atServer.remoteKeyAndSalt());
            assertThat(atClient.remoteKeyAndSalt()).isEqualTo(atServer.localKeyAndSalt())
                    .isNotEqualTo(atClient.localKeyAndSalt());
            assertThat(toServer.dropped).isPositive();
            assertThat(toClient.duplicated + toClient.reordered).isPositive();

            assertThat(client.listener.offLoopCalls).isEmpty();
            assertThat(server.listener.offLoopCalls).isEmpty();
            client.closeTransport();
            server.closeTransport();
            // The close_notify alerts leave from the handshake executor after close(): wait until they
            // crossed the links, releasing whatever a link still holds back for reordering.
            Awaitility.await().atMost(Patience.WAIT).untilAsserted(() -> {
                client.run(toServer::releaseHeld);
                server.run(toClient::releaseHeld);
                assertAllReleased(toServer, toClient);
            });
        }
    }

    /**
     * RFC 6347 §4.2.3: a ClientHello larger than the path MTU arrives fragmented over several
     * records, as Chromium's 1.4 KB post-quantum one does; the server reassembles it.
     */
    @Test
    void rfc6347_section4_2_3_serverReassemblesAFragmentedClientHello() throws Exception {
        DtlsTransport.Settings smallMtu = new DtlsTransport.Settings(Duration.ofSeconds(30), Duration.ofMillis(200), 150, 64);
        try (LoopPeer client = new LoopPeer(handshakes, clientCertificate, smallMtu);
                LoopPeer server = new LoopPeer(handshakes, serverCertificate, DtlsTransport.Settings.DEFAULT)) {
            LossyLink toServer = LossyLink.perfect(server);
            LossyLink toClient = LossyLink.perfect(client);
            List<int[]> clientHelloFragments = new CopyOnWriteArrayList<>();
            toServer.tap(datagram -> recordClientHelloFragment(datagram, clientHelloFragments));
            toServer.wire(client);
            toClient.wire(server);

            server.connect(DtlsRole.SERVER, clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            client.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));

            RecordingListener.Connected atServer = server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            RecordingListener.Connected atClient = client.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(atServer.remoteKeyAndSalt()).isEqualTo(atClient.localKeyAndSalt());
            // {message length, fragment offset, fragment length} of each ClientHello record.
            assertThat(clientHelloFragments).hasSizeGreaterThanOrEqualTo(2);
            assertThat(clientHelloFragments).allSatisfy(fragment -> assertThat(fragment[2]).isLessThan(fragment[0]));
            assertThat(clientHelloFragments).anySatisfy(fragment -> assertThat(fragment[1]).isPositive());
            assertAllReleased(toServer, toClient);
        }
    }

    /** A browser's ClientHello often arrives before the signalling lets the owner call connect(). */
    @Test
    void clientHelloArrivingBeforeConnectIsKeptForTheHandshake() throws Exception {
        try (LoopPeer client = new LoopPeer(handshakes, clientCertificate, DtlsTransport.Settings.DEFAULT);
                LoopPeer server = new LoopPeer(handshakes, serverCertificate, DtlsTransport.Settings.DEFAULT)) {
            LossyLink toServer = LossyLink.perfect(server);
            LossyLink toClient = LossyLink.perfect(client);
            toServer.wire(client);
            toClient.wire(server);

            client.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            Awaitility.await().atMost(Patience.WAIT).until(() -> toServer.sent > 0);
            assertThat(server.state()).isEqualTo(DtlsState.NEW);
            server.connect(DtlsRole.SERVER, clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));

            RecordingListener.Connected atServer = server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(atServer.remoteKeyAndSalt()).isEqualTo(client.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS).localKeyAndSalt());
            // Connected well before the client's first retransmission (1 s) could have helped.
            assertThat(toServer.sent).isLessThanOrEqualTo(2);
            client.closeTransport();
            server.listener.closed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertAllReleased(toServer, toClient);
        }
    }

    /** RFC 6347 §4.1 record header (13 bytes), then §4.2.2 handshake header: type, length, seq, offset, fragment length. */
    private static void recordClientHelloFragment(ByteBuf datagram, List<int[]> fragments) {
        int base = datagram.readerIndex();
        if (datagram.readableBytes() >= 25 && datagram.getUnsignedByte(base) == 22
                && datagram.getUnsignedShort(base + 3) == 0 && datagram.getUnsignedByte(base + 13) == 1) {
            fragments.add(new int[] {
                datagram.getUnsignedMedium(base + 14), datagram.getUnsignedMedium(base + 19), datagram.getUnsignedMedium(base + 22)
            });
        }
    }

    /**
     * Waits for it: a datagram sent just before the close (a close_notify, a last retransmission)
     * may still be on its way through the other peer's loop when the close event arrives.
     */
    static void assertAllReleased(LossyLink... links) {
        Awaitility.await().atMost(Patience.WAIT).untilAsserted(() -> {
            for (LossyLink link : links) {
                assertThat(link.seen).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
            }
        });
    }
}
