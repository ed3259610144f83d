package io.sluice.worker.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.DefaultEventLoop;
import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.dtls.DtlsTransport;
import io.sluice.worker.dtls.FingerprintAlgorithm;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.testsupport.Patience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DTLS records and handshake reassembly (RFC 6347 §4.1, §4.2.2, §4.2.3) through the worker's
 * {@link DtlsTransport} and the BouncyCastle handshake behind it, as a server. Seeds are recorded
 * from a real handshake whose client sends records of at most 128 bytes, so that its ClientHello
 * and its second flight (Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec,
 * Finished) arrive as many fragments; inputs are arbitrary or mutated datagrams and mutated flights
 * (fragment headers, overlapping and gapped fragments, reordered, dropped, merged datagrams).
 *
 * <p>Per input, a fresh server transport takes the datagrams, then connects (datagrams that come
 * first are used, as a browser's ClientHello often beats the signalling), and once its handshake
 * thread has consumed them all, it is closed. Property: {@code isDtls} and {@code handleIncoming}
 * never throw and leave the caller's buffer as it was (same reference count, same reader index:
 * the caller keeps ownership); nothing is thrown on the handshake executor; the transport waits,
 * answers, or fails with {@code onDtlsFailed}, never with an internal error (no internal_error
 * alert, no unexpected exception as the reason); at most one listener event, all on the loop; and
 * every datagram it emitted was released by the test, its only owner.
 */
class DtlsFuzzTest {

    /** Handshake timers far beyond the time an input takes: every input ends with close(). */
    private static final DtlsTransport.Settings SERVER =
            new DtlsTransport.Settings(Duration.ofSeconds(60), Duration.ofSeconds(5), 1200, 64);
    private static final DtlsTransport.Settings FRAGMENTING_CLIENT =
            new DtlsTransport.Settings(Duration.ofSeconds(60), Duration.ofSeconds(1), 128, 64);
    private static final int ALERT = 21;
    private static final int INTERNAL_ERROR = 80;

    private static final DefaultEventLoop LOOP = new DefaultEventLoop();
    private static WatchedExecutor handshakes;
    private static DtlsCertificate serverCertificate;
    private static DtlsFingerprint clientFingerprint;
    private static List<byte[]> clientFlights;
    private static List<byte[]> serverFlights;

    private enum Outcome { WAITING, ANSWERED, FAILED }

    @BeforeAll
    static void recordAHandshake() throws Exception {
        handshakes = new WatchedExecutor();
        serverCertificate = DtlsCertificate.generate();
        DtlsCertificate clientCertificate = DtlsCertificate.generate();
        clientFingerprint = clientCertificate.fingerprint(FingerprintAlgorithm.SHA_256);
        try (ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
            Recorder fromClient = new Recorder();
            Recorder fromServer = new Recorder();
            DtlsTransport client = new DtlsTransport(LOOP, both, clientCertificate, FRAGMENTING_CLIENT, fromClient);
            DtlsTransport server = new DtlsTransport(LOOP, both, serverCertificate, SERVER, fromServer);
            fromClient.peer = server;
            fromServer.peer = client;
            onLoop(() -> {
                server.connect(DtlsRole.SERVER, clientFingerprint);
                client.connect(DtlsRole.CLIENT, serverCertificate.fingerprint(FingerprintAlgorithm.SHA_256));
                return null;
            });
            fromClient.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            fromServer.connected.get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
            onLoop(() -> {
                clientFlights = List.copyOf(fromClient.sent);
                serverFlights = List.copyOf(fromServer.sent);
                client.close();
                server.close();
                return null;
            });
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        handshakes.close();
        LOOP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theRecordedFlightIsFragmentedAndReachesTheHandshake() {
        assertThat(clientFlights).anyMatch(DtlsFlightMutator::hasPartialFragment);
        // Its ClientHello fragments alone make the server answer with its flight and wait for the next.
        List<byte[]> clientHello = clientFlights.stream().takeWhile(DtlsFlightMutator::isClientHello).toList();
        assertThat(clientHello).hasSizeGreaterThan(1).allMatch(DtlsFlightMutator::hasPartialFragment);
        assertThat(exercise(clientHello)).isEqualTo(Outcome.ANSWERED);
        // The whole second flight is answered too: it was signed over another handshake's transcript.
        assertThat(exercise(clientFlights)).isIn(Outcome.ANSWERED, Outcome.FAILED);
    }

    /**
     * Found by this property: a client certificate whose DER does not parse made BouncyCastle
     * answer internal_error (its ASN.1 parser throws a plain IOException); it must be
     * bad_certificate (RFC 5246 §7.2.2). Here the first Certificate fragment's outer DER length
     * claims 32,767 bytes.
     */
    @Test
    void aCorruptClientCertificateIsABadCertificateNotAnInternalError() {
        List<byte[]> corrupted = new ArrayList<>();
        int hits = 0;
        for (byte[] datagram : clientFlights) {
            byte[] copy = datagram.clone();
            // Record header 0-12, handshake header 13-24 (msg_type 11 at 13, fragment_offset 0 at 19-21),
            // certificate_list and certificate lengths 25-30, DER SEQUENCE 30 82 <length> at 31-34.
            if (copy.length > 35 && copy[0] == 22 && copy[13] == 11 && copy[19] == 0 && copy[20] == 0 && copy[21] == 0
                    && copy[31] == 0x30 && copy[32] == (byte) 0x82) {
                copy[33] = 0x7f;
                copy[34] = (byte) 0xff;
                hits++;
            }
            corrupted.add(copy);
        }
        assertThat(hits).isPositive();
        assertThat(exercise(corrupted)).isEqualTo(Outcome.FAILED);
    }

    /**
     * Found by this property: a ClientHello whose signature_algorithms list claims more bytes than
     * its extension holds made BouncyCastle run out of bytes (EOFException) and answer
     * internal_error; it must be decode_error (RFC 5246 §7.2.2). The recorded ClientHello,
     * reassembled into one record, with that list length raised.
     */
    @Test
    void aClientHelloWithAnOverlongSignatureAlgorithmsListIsADecodeErrorNotAnInternalError() {
        byte[] record = reassembledClientHello();
        // signature_algorithms (RFC 5246 §7.4.1.4.1): type 13, extension length, list length = extension length - 2.
        int at = -1;
        for (int i = 25; i + 6 <= record.length && at < 0; i++) {
            int extensionLength = ((record[i + 2] & 0xff) << 8) | (record[i + 3] & 0xff);
            int listLength = ((record[i + 4] & 0xff) << 8) | (record[i + 5] & 0xff);
            if (record[i] == 0 && record[i + 1] == 13 && extensionLength > 2 && listLength == extensionLength - 2) {
                at = i;
            }
        }
        assertThat(at).as("signature_algorithms in the recorded ClientHello").isPositive();
        record[at + 5] = (byte) 0xbc;
        assertThat(exercise(List.of(record))).isEqualTo(Outcome.FAILED);
    }

    /**
     * Found by this property: a ClientHello with no extensions at all (here a mutated compression
     * methods length swallowed them) made the server answer internal_error: BouncyCastle asks the
     * server for its extensions without having shown it the client's, and a null use_srtp answer
     * threw IllegalArgumentException. No use_srtp offered is a handshake_failure (RFC 5764 §4.1.1).
     * The recorded ClientHello, reassembled, cut where its extensions begin.
     */
    @Test
    void aClientHelloWithoutExtensionsIsAHandshakeFailureNotAnInternalError() {
        byte[] record = reassembledClientHello();
        // RFC 6347 §4.2.1: client_version 2, random 32, session_id<0..32>, cookie<0..2^8-1>,
        // cipher_suites<2..2^16-2>, compression_methods<1..2^8-1>, then the extensions.
        int at = 25 + 2 + 32;
        at += 1 + (record[at] & 0xff);
        at += 1 + (record[at] & 0xff);
        at += 2 + (((record[at] & 0xff) << 8) | (record[at + 1] & 0xff));
        at += 1 + (record[at] & 0xff);
        assertThat(at).as("extensions in the recorded ClientHello").isLessThan(record.length);
        byte[] withoutExtensions = Arrays.copyOf(record, at);
        int messageLength = at - 25;
        withoutExtensions[11] = (byte) ((12 + messageLength) >> 8);
        withoutExtensions[12] = (byte) (12 + messageLength);
        withoutExtensions[14] = withoutExtensions[22] = (byte) (messageLength >> 16);
        withoutExtensions[15] = withoutExtensions[23] = (byte) (messageLength >> 8);
        withoutExtensions[16] = withoutExtensions[24] = (byte) messageLength;
        assertThat(exercise(List.of(withoutExtensions))).isEqualTo(Outcome.FAILED);
    }

    /** The recorded ClientHello's fragments as one record holding one whole handshake message. */
    private static byte[] reassembledClientHello() {
        List<byte[]> fragments = clientFlights.stream().takeWhile(DtlsFlightMutator::isClientHello).toList();
        byte[] first = fragments.get(0);
        int messageLength = ((first[14] & 0xff) << 16) | ((first[15] & 0xff) << 8) | (first[16] & 0xff);
        byte[] record = new byte[13 + 12 + messageLength];
        System.arraycopy(first, 0, record, 0, 13 + 12);
        for (byte[] fragment : fragments) {
            int offset = ((fragment[19] & 0xff) << 16) | ((fragment[20] & 0xff) << 8) | (fragment[21] & 0xff);
            int length = ((fragment[22] & 0xff) << 16) | ((fragment[23] & 0xff) << 8) | (fragment[24] & 0xff);
            System.arraycopy(fragment, 25, record, 25 + offset, length);
        }
        record[11] = (byte) ((12 + messageLength) >> 8);
        record[12] = (byte) (12 + messageLength);
        record[19] = record[20] = record[21] = 0;
        record[22] = first[14];
        record[23] = first[15];
        record[24] = first[16];
        return record;
    }

    /**
     * Found by this property: a record claiming version {254, 254} (reserved: no DTLS version has
     * it, RFC 6347 §4.1) made BouncyCastle's record layer throw IllegalArgumentException and end
     * the handshake with internal_error. The transport now drops such a datagram (RFC 6347
     * §4.1.2.7: invalid records are discarded): the recorded ClientHello with a second record of
     * that version behind it leaves the server waiting, and the ClientHello alone still gets its
     * answer.
     */
    @Test
    void aRecordOfTheReservedVersionIsDroppedNotAnInternalError() {
        byte[] hello = clientFlights.get(0);
        byte[] reserved = hello.clone();
        reserved[1] = (byte) 0xfe;
        reserved[2] = (byte) 0xfe;
        byte[] both = new byte[hello.length + reserved.length];
        System.arraycopy(hello, 0, both, 0, hello.length);
        System.arraycopy(reserved, 0, both, hello.length, reserved.length);
        assertThat(exercise(List.of(both))).isEqualTo(Outcome.WAITING);
        assertThat(exercise(List.of(reserved))).isEqualTo(Outcome.WAITING);
    }

    @Test
    void anyDatagramsLeaveTheServerWaitingAnsweringOrFailedCleanly() {
        List<byte[]> singles = new ArrayList<>(clientFlights);
        singles.addAll(serverFlights);
        FuzzInputs.Generator single = FuzzInputs.bytesOrMutated(singles.toArray(byte[][]::new));
        FuzzInputs.Generator generator = random -> {
            if (random.nextInt(4) == 0) {
                List<byte[]> datagrams = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    datagrams.add(single.next(random));
                }
                return DtlsFlightMutator.encode(datagrams);
            }
            return DtlsFlightMutator.encode(DtlsFlightMutator.mutate(clientFlights, random));
        };
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        Fuzz.forAll("dtls server", generator,
                input -> outcomes.merge(exercise(DtlsFlightMutator.decode(input)), 1, Integer::sum));
        System.out.println("fuzz dtls server outcomes: " + outcomes);
        if (Fuzz.TRIES >= 1000 && !Fuzz.replaying()) {
            assertThat(outcomes).containsKeys(Outcome.ANSWERED, Outcome.FAILED);
        }
    }

    /** One input through a fresh server transport; throws on any violation of the property. */
    private static Outcome exercise(List<byte[]> datagrams) {
        Observer observer = new Observer();
        DtlsTransport transport = onLoop(() -> {
            DtlsTransport server = new DtlsTransport(LOOP, handshakes, serverCertificate, SERVER, observer);
            for (byte[] datagram : datagrams) {
                FuzzInputs.inBuffer(datagram, buf -> {
                    int readerIndex = buf.readerIndex();
                    DtlsTransport.isDtls(buf);
                    server.handleIncoming(buf);
                    if (buf.readerIndex() != readerIndex) {
                        throw new AssertionError("the transport moved the caller's reader index");
                    }
                });
            }
            server.connect(DtlsRole.SERVER, clientFingerprint);
            return server;
        });
        handshakes.awaitSettled();
        onLoop(() -> {
            transport.close();
            return null;
        });
        handshakes.awaitIdle();
        // What the ended handshake posted to the loop runs before this.
        Outcome outcome = onLoop(observer::outcome);
        if (!handshakes.uncaught.isEmpty()) {
            throw new AssertionError("thrown on the handshake executor", handshakes.uncaught.poll());
        }
        if (!observer.violations.isEmpty()) {
            throw new AssertionError(String.join("; ", observer.violations));
        }
        for (ByteBuf datagram : observer.emitted) {
            if (datagram.refCnt() != 0) {
                throw new AssertionError("an emitted datagram is still referenced after its owner released it");
            }
        }
        return outcome;
    }

    private static <T> T onLoop(Callable<T> task) {
        try {
            return LOOP.submit(task).get(Patience.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("thrown on the event loop: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("event loop task did not finish", e);
        }
    }

    /** The fuzzed transport's listener: owns and releases what it emits, notes what breaks the property. */
    private static final class Observer implements DtlsTransport.Listener {

        final List<ByteBuf> emitted = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        private String failure;
        private int events;

        @Override
        public void onOutgoingDtls(ByteBuf datagram) {
            checkLoop("onOutgoingDtls");
            emitted.add(datagram);
            if (carriesInternalErrorAlert(datagram)) {
                violations.add("the transport sent a fatal internal_error alert");
            }
            datagram.release();
        }

        @Override
        public void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {
            checkLoop("onDtlsConnected");
            event("connected");
        }

        @Override
        public void onDtlsFailed(String reason) {
            checkLoop("onDtlsFailed");
            event("failed");
            failure = reason;
            // describe() names alerts; "DTLS error: <exception>" is what escaped BouncyCastle unmapped.
            if (reason.contains("internal_error") || reason.startsWith("DTLS error: java.lang.")) {
                violations.add("internal error: " + reason);
            }
        }

        @Override
        public void onDtlsClosed() {
            checkLoop("onDtlsClosed");
            event("closed");
        }

        Outcome outcome() {
            return failure != null ? Outcome.FAILED : emitted.isEmpty() ? Outcome.WAITING : Outcome.ANSWERED;
        }

        private void event(String name) {
            if (++events > 1) {
                violations.add("a second listener event: " + name);
            }
        }

        private void checkLoop(String callback) {
            if (!LOOP.inEventLoop()) {
                violations.add(callback + " off the event loop");
            }
        }

        /** A plaintext fatal alert (RFC 5246 §7.2) with description internal_error(80). */
        private static boolean carriesInternalErrorAlert(ByteBuf datagram) {
            int position = datagram.readerIndex();
            int end = datagram.writerIndex();
            while (position + 13 <= end) {
                int length = datagram.getUnsignedShort(position + 11);
                if (datagram.getUnsignedByte(position) == ALERT && datagram.getUnsignedShort(position + 3) == 0
                        && length >= 2 && position + 15 <= end
                        && datagram.getUnsignedByte(position + 14) == INTERNAL_ERROR) {
                    return true;
                }
                position += 13 + length;
            }
            return false;
        }
    }

    /** The recorded handshake's listener: keeps a copy of each datagram and hands it to the peer. */
    private static final class Recorder implements DtlsTransport.Listener {

        final List<byte[]> sent = new ArrayList<>();
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        DtlsTransport peer;

        @Override
        public void onOutgoingDtls(ByteBuf datagram) {
            try {
                sent.add(ByteBufUtil.getBytes(datagram));
                peer.handleIncoming(datagram);
            } finally {
                datagram.release();
            }
        }

        @Override
        public void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {
            connected.complete(null);
        }

        @Override
        public void onDtlsFailed(String reason) {
            connected.completeExceptionally(new AssertionError("recorded handshake failed: " + reason));
        }

        @Override
        public void onDtlsClosed() {
            connected.completeExceptionally(new AssertionError("recorded handshake closed"));
        }
    }
}
