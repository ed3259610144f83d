package io.sluice.worker.dtls;

import static io.sluice.worker.dtls.DtlsTransportLossyLinkTest.assertAllReleased;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Everything that must not connect, and closing in every state. */
class DtlsTransportFailureTest {

    private static final DtlsTransport.Settings FAST =
            new DtlsTransport.Settings(Duration.ofSeconds(20), Duration.ofMillis(200), 1200, 64);

    private static ExecutorService handshakes;
    private static DtlsCertificate clientCertificate;
    private static DtlsCertificate serverCertificate;

    /** Virtual threads suit blocking handshakes too: here, one per handshake. */
    @BeforeAll
    static void start() {
        handshakes = Executors.newVirtualThreadPerTaskExecutor();
        clientCertificate = DtlsCertificate.generate();
        serverCertificate = DtlsCertificate.generate();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        handshakes.shutdownNow();
        handshakes.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A client and a server wired through a perfect in-memory link. */
    private record Pair(LoopPeer client, LoopPeer server, LossyLink toServer, LossyLink toClient) implements AutoCloseable {

        static Pair create(ExecutorService executor, DtlsTransport.Settings settings) {
            return create(executor, executor, settings);
        }

        static Pair create(ExecutorService clientExecutor, ExecutorService serverExecutor, DtlsTransport.Settings settings) {
            LoopPeer client = new LoopPeer(clientExecutor, clientCertificate, settings);
            LoopPeer server = new LoopPeer(serverExecutor, serverCertificate, settings);
            LossyLink toServer = LossyLink.perfect(server);
            LossyLink toClient = LossyLink.perfect(client);
            toServer.wire(client);
            toClient.wire(server);
            return new Pair(client, server, toServer, toClient);
        }

        void connect(DtlsFingerprint serverExpects, DtlsFingerprint clientExpects) {
            server.connect(DtlsRole.SERVER, serverExpects);
            client.connect(DtlsRole.CLIENT, clientExpects);
        }

        void connectNormally() throws Exception {
            connect(clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256),
                    serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            client.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            client.close();
            server.close();
            assertThat(client.listener.offLoopCalls).isEmpty();
            assertThat(server.listener.offLoopCalls).isEmpty();
            assertAllReleased(toServer, toClient);
        }
    }

    @Test
    void rfc5763_section5_serverRejectsAClientCertificateWithAnotherFingerprint() throws Exception {
        DtlsFingerprint stranger = DtlsCertificate.generate().fingerprint(FingerprintAlgorithm.SHA_256);
        try (Pair pair = Pair.create(handshakes, FAST)) {
            pair.connect(stranger, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));

            String serverReason = pair.server.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            String clientReason = pair.client.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(serverReason).startsWith("peer certificate fingerprint mismatch: expected " + stranger)
                    .endsWith("got " + clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            assertThat(clientReason).contains("peer sent fatal alert").contains("bad_certificate");
            assertThat(pair.server.state()).isEqualTo(DtlsState.FAILED);
            assertThat(pair.client.state()).isEqualTo(DtlsState.FAILED);
            assertThat(pair.server.listener.connected).isNotDone();
            assertThat(pair.client.listener.connected).isNotDone();
        }
    }

    @Test
    void rfc5763_section5_clientRejectsAServerCertificateWithAnotherFingerprint() throws Exception {
        // The right certificate under another hash is still the right certificate; a sha-512 of another one is not.
        DtlsFingerprint stranger = DtlsCertificate.generate().fingerprint(FingerprintAlgorithm.SHA_512);
        try (Pair pair = Pair.create(handshakes, FAST)) {
            pair.connect(clientCertificate.fingerprint(FingerprintAlgorithm.SHA_1), stranger);

            String clientReason = pair.client.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            String serverReason = pair.server.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(clientReason).startsWith("peer certificate fingerprint mismatch").contains(stranger.value());
            assertThat(serverReason).contains("bad_certificate");
            assertThat(pair.client.listener.events).hasValue(1);
            assertThat(pair.server.listener.events).hasValue(1);
        }
    }

    @Test
    void handshakeTimesOutWhenThePeerNeverAnswers() throws Exception {
        DtlsTransport.Settings shortTimeout = new DtlsTransport.Settings(Duration.ofMillis(1500), Duration.ofMillis(100), 1200, 64);
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try (LoopPeer client = new LoopPeer(oneThread, clientCertificate, shortTimeout);
                LoopPeer server = new LoopPeer(oneThread, serverCertificate, shortTimeout)) {
            client.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));

            String reason = client.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(reason).isEqualTo("DTLS handshake timed out after 1500 ms");
            assertThat(client.state()).isEqualTo(DtlsState.FAILED);
            assertThat(client.listener.outgoing.get()).as("ClientHello and its retransmissions").isPositive();
            // The handshake thread was released: the single thread serves the next transport.
            server.connect(DtlsRole.SERVER, clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            assertThat(server.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)).contains("timed out");
            assertThat(client.listener.events).hasValue(1);
        } finally {
            oneThread.shutdownNow();
        }
    }

    /** Datagrams no DTLS stack would accept: empty, truncated, wrong type/version/epoch/length, random. */
    private static List<byte[]> garbage(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> datagrams = new ArrayList<>();
        datagrams.add(new byte[0]);
        datagrams.add(new byte[] {22});
        datagrams.add(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        datagrams.add(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 9, 0x40, 0});
        datagrams.add(new byte[] {99, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0});
        datagrams.add(new byte[] {22, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1});
        datagrams.add(new byte[] {23, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 7, 0, 4, 1, 2, 3, 4});
        datagrams.add(new byte[] {21, (byte) 0xfe, (byte) 0xfd, 0, 1, 0, 0, 0, 0, 0, 8, 0, 2, 2, 40});
        // A ClientHello fragment header announcing 9 bytes of a 9-byte message, with none of them.
        datagrams.add(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 12, 1, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 9});
        for (int i = 0; i < 30; i++) {
            byte[] bytes = new byte[1 + random.nextInt(1400)];
            random.nextBytes(bytes);
            if (i % 2 == 0) {
                bytes[0] = 22;
                if (bytes.length > 2) {
                    bytes[1] = (byte) 0xfe;
                    bytes[2] = (byte) 0xfd;
                }
            }
            datagrams.add(bytes);
        }
        return datagrams;
    }

    private static void feedGarbage(LoopPeer peer, long seed) {
        for (byte[] datagram : garbage(seed)) {
            ByteBuf buffer = Unpooled.buffer(datagram.length).writeBytes(datagram);
            peer.run(() -> {
                peer.transport.handleIncoming(buffer);
                assertThat(buffer.readerIndex()).isZero();
            });
            assertThat(buffer.release()).isTrue();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2"})
    void garbageDatagramsNeitherCrashNorStopAHandshakeOrAConnection(long seed) throws Exception {
        try (Pair pair = Pair.create(handshakes, FAST)) {
            feedGarbage(pair.server, seed);
            pair.server.connect(DtlsRole.SERVER, clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            feedGarbage(pair.server, seed + 100);
            pair.client.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            feedGarbage(pair.client, seed + 200);

            RecordingListener.Connected atServer = pair.server.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            RecordingListener.Connected atClient = pair.client.listener.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(atServer.localKeyAndSalt()).isEqualTo(atClient.remoteKeyAndSalt());

            feedGarbage(pair.server, seed + 300);
            feedGarbage(pair.client, seed + 400);
            assertThat(pair.server.state()).as(pair.server.listener.failed.getNow("-")).isEqualTo(DtlsState.CONNECTED);
            pair.client.closeTransport();
            pair.server.listener.closed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(pair.server.listener.failed).isNotDone();
            assertThat(pair.client.listener.failed).isNotDone();
        }
    }

    @Test
    void closeInStateNewEndsWithoutEvents() {
        try (LoopPeer peer = new LoopPeer(handshakes, clientCertificate, FAST)) {
            peer.closeTransport();
            peer.closeTransport();

            assertThat(peer.state()).isEqualTo(DtlsState.CLOSED);
            assertThat(peer.listener.events).hasValue(0);
            assertThat(peer.listener.outgoing).hasValue(0);
            assertThatThrownBy(() -> peer.call(() -> {
                peer.transport.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
                return null;
            })).hasRootCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closeWhileConnectingReleasesTheHandshakeThread() throws Exception {
        ExecutorService oneThread = Executors.newSingleThreadExecutor();
        try (LoopPeer waiting = new LoopPeer(oneThread, serverCertificate, FAST)) {
            waiting.connect(DtlsRole.SERVER, clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            assertThat(waiting.state()).isEqualTo(DtlsState.CONNECTING);

            waiting.closeTransport();

            assertThat(waiting.state()).isEqualTo(DtlsState.CLOSED);
            assertThat(oneThread.submit(() -> "free").get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("free");
            assertThat(waiting.listener.events).hasValue(0);
            // Each connecting transport holds a handshake thread: the server here takes the only one.
            try (Pair pair = Pair.create(handshakes, oneThread, FAST)) {
                pair.connectNormally();
            }
        } finally {
            oneThread.shutdownNow();
        }
    }

    @Test
    void closeWhenConnectedSendsCloseNotifyAndThePeerCloses() throws Exception {
        try (Pair pair = Pair.create(handshakes, FAST)) {
            pair.connectNormally();
            int sentBeforeClose = pair.server.listener.outgoing.get();

            pair.server.closeTransport();

            pair.client.listener.closed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(pair.server.state()).isEqualTo(DtlsState.CLOSED);
            assertThat(pair.client.state()).isEqualTo(DtlsState.CLOSED);
            assertThat(pair.server.listener.outgoing.get()).as("close_notify").isEqualTo(sentBeforeClose + 1);
            assertThat(pair.server.listener.closed).as("no event for our own close").isNotDone();
            pair.client.closeTransport();
            assertThat(pair.client.listener.events).hasValue(2);
        }
    }

    @Test
    void closeAfterFailureEndsClosed() throws Exception {
        try (Pair pair = Pair.create(handshakes, FAST)) {
            pair.connect(DtlsCertificate.generate().fingerprint(FingerprintAlgorithm.SHA_256),
                    serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
            pair.server.listener.failed.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);

            pair.server.closeTransport();

            assertThat(pair.server.state()).isEqualTo(DtlsState.CLOSED);
            assertThat(pair.server.listener.events).hasValue(1);
        }
    }

    @Test
    void rfc7983_section7_firstByteTellsDtlsFromStunAndRtp() {
        int[][] firstBytes = {{0, 0}, {1, 0}, {3, 0}, {19, 0}, {20, 1}, {22, 1}, {23, 1}, {63, 1}, {64, 0}, {128, 0}, {191, 0}};
        for (int[] row : firstBytes) {
            byte[] datagram = new byte[13];
            datagram[0] = (byte) row[0];
            ByteBuf buffer = Unpooled.buffer(datagram.length).writeBytes(datagram);
            assertThat(DtlsTransport.isDtls(buffer)).as("first byte %d", row[0]).isEqualTo(row[1] == 1);
            buffer.release();
            assertThat(buffer.refCnt()).isZero();
        }
        ByteBuf tooShort = Unpooled.wrappedBuffer(new byte[] {22, (byte) 0xfe, (byte) 0xfd});
        assertThat(DtlsTransport.isDtls(tooShort)).isFalse();
        tooShort.release();
    }
}
