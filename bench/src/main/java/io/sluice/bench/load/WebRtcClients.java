package io.sluice.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.sluice.worker.dtls.DtlsCertificate;
import io.sluice.worker.dtls.DtlsFingerprint;
import io.sluice.worker.dtls.DtlsRole;
import io.sluice.worker.dtls.DtlsTransport;
import io.sluice.worker.dtls.FingerprintAlgorithm;
import io.sluice.worker.ice.StunMessage;
import io.sluice.worker.ice.StunMessageWriter;
import io.sluice.worker.net.PacketClassifier;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The browser side of many WebRTC consumer transports, lean enough for thousands: one plain
 * non-blocking {@link DatagramChannel} per consumer (so {@link ConsumerReceivers} can read it like
 * a plain-transport receiver), one certificate, one event loop and two handshake threads shared by
 * all DTLS clients, and one setup reader thread that runs only while consumers are being added.
 *
 * <p>Per consumer: an ICE binding request as the controlling agent with USE-CANDIDATE (RFC 8445
 * §7.1.1, §8.1.1, aggressive nomination of the only pair), signed with the transport's short-term
 * password (RFC 8489 §9.1); then a DTLS client handshake on Sluice's own {@link DtlsTransport}
 * (RFC 5764), whose exported keys give the {@link SrtpReceiveContext} for what the worker sends.
 * Afterwards a consent check (a binding request, RFC 7675 §5.1) goes to every transport every
 * {@code consentPeriod}, spread evenly, as a browser does (its default is about 5 s) — the worker
 * drops a transport whose consent is older than 30 s.
 */
final class WebRtcClients implements AutoCloseable {

    private static final int MAX_DATAGRAM = 2048;
    /** Each binding request is retransmitted at this interval until its response arrives. */
    private static final long BIND_RETRANSMIT_MILLIS = 500;

    private final int receiveBufferBytes;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final DefaultEventLoop dtlsLoop = new DefaultEventLoop();
    private final ExecutorService handshakes = DtlsTransport.newHandshakeExecutor(2);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "webrtc-clients-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Client> established = new CopyOnWriteArrayList<>();
    private final AtomicLong consentChecksSent = new AtomicLong();
    private final Set<SrtpProfile> negotiatedProfiles = ConcurrentHashMap.newKeySet();
    private SetupReader setupReader;
    private int consentTick;

    WebRtcClients(int receiveBufferBytes) {
        this.receiveBufferBytes = receiveBufferBytes;
    }

    /** What goes into {@code transport.connect}'s dtlsParameters. */
    DtlsFingerprint fingerprint() {
        return certificate.fingerprint(FingerprintAlgorithm.SHA_256);
    }

    /** Starts reading the sockets of consumers being added (call before {@link #open}). */
    void beginSetup() throws IOException {
        setupReader = new SetupReader(Selector.open());
        setupReader.thread.start();
    }

    /** Stops the setup reader and deregisters the sockets, so the receivers alone read them. */
    void endSetup() throws InterruptedException, IOException {
        setupReader.running = false;
        setupReader.selector.wakeup();
        setupReader.thread.join();
        setupReader.selector.close();
        setupReader = null;
    }

    /** Opens a socket towards the transport's UDP candidate (the WebRtcServer's port). */
    Client open(InetSocketAddress server, String usernameFragment, String password) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.connect(server);
        channel.configureBlocking(false);
        Client client = new Client(channel, usernameFragment, password);
        setupReader.register(client);
        return client;
    }

    /**
     * Sends consent checks to every established client, spread over {@code periodMillis} (one
     * tick a second, each tick a share of the clients).
     */
    void startConsent(long periodMillis) {
        int ticksPerPeriod = (int) Math.max(1, periodMillis / 1000);
        timers.scheduleAtFixedRate(() -> {
            int tick = consentTick++ % ticksPerPeriod;
            List<Client> clients = established;
            for (int i = tick; i < clients.size(); i += ticksPerPeriod) {
                clients.get(i).sendBindingRequest(false);
                consentChecksSent.incrementAndGet();
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** The SRTP profiles the handshakes ended with (the worker picks by its own preference). */
    Set<SrtpProfile> negotiatedProfiles() {
        return negotiatedProfiles;
    }

    long consentChecksSent() {
        return consentChecksSent.get();
    }

    @Override
    public void close() throws Exception {
        timers.shutdownNow();
        if (setupReader != null) {
            endSetup();
        }
        handshakes.shutdownNow();
        dtlsLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        // The channels belong to ConsumerReceivers once adopted; it closes them.
    }

    /** One consumer's browser end. */
    final class Client implements DtlsTransport.Listener {
        final DatagramChannel channel;
        private final String usernameFragment;
        private final String password;
        private final CompletableFuture<Void> selected = new CompletableFuture<>();
        private final CompletableFuture<SrtpReceiveContext> srtp = new CompletableFuture<>();
        /** The keys for what this end sends (a producer's transport), known with {@link #srtp}. */
        private volatile SrtpSendContext sending;
        private DtlsTransport dtls;

        private Client(DatagramChannel channel, String usernameFragment, String password) {
            this.channel = channel;
            this.usernameFragment = usernameFragment;
            this.password = password;
        }

        /** The nominating binding request, resent until answered; completes on a success response. */
        CompletableFuture<Void> nominate() {
            sendBindingRequest(true);
            var retransmit = timers.scheduleAtFixedRate(() -> sendBindingRequest(true), BIND_RETRANSMIT_MILLIS,
                    BIND_RETRANSMIT_MILLIS, TimeUnit.MILLISECONDS);
            return selected.whenComplete((ignored, failure) -> retransmit.cancel(false));
        }

        /** Starts the DTLS handshake as the client; completes with the keys for the worker's SRTP. */
        CompletableFuture<SrtpReceiveContext> handshake(DtlsFingerprint workerFingerprint) {
            dtlsLoop.execute(() -> {
                dtls = new DtlsTransport(dtlsLoop, handshakes, certificate, DtlsTransport.Settings.DEFAULT, this);
                dtls.connect(DtlsRole.CLIENT, workerFingerprint);
            });
            return srtp.thenApply(context -> {
                established.add(this);
                return context;
            });
        }

        /** The SRTP context for sending on this transport (a producer's), once {@link #handshake} completed. */
        SrtpSendContext sendContext() {
            return sending;
        }

        /** RFC 8445 §7.1.1: a binding request as the controlling agent, signed with the remote password. */
        void sendBindingRequest(boolean useCandidate) {
            byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
            ThreadLocalRandom.current().nextBytes(transactionId);
            ByteBuf request = Unpooled.buffer(128);
            try {
                StunMessageWriter writer = new StunMessageWriter()
                        .begin(request, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING,
                                Unpooled.wrappedBuffer(transactionId), 0)
                        .addUsername((usernameFragment + ":benchufrag").getBytes(StandardCharsets.US_ASCII))
                        .addPriority(0x6e7f1eff)
                        .addIceControlling(ThreadLocalRandom.current().nextLong());
                if (useCandidate) {
                    writer.addUseCandidate();
                }
                writer.addMessageIntegrity(StunMessage.newShortTermMac(password)).addFingerprint();
                channel.write(request.nioBuffer());
            } catch (IOException e) {
                // Loopback; an ICMP error after the worker closed a transport: the check is lost.
            } finally {
                request.release();
            }
        }

        private void onPacket(ByteBuf packet) {
            switch (PacketClassifier.classify(packet)) {
                case STUN -> {
                    StunMessage message = StunMessage.parse(packet);
                    if (message != null && message.messageClass() == StunMessage.CLASS_SUCCESS_RESPONSE) {
                        selected.complete(null);
                    } else if (message != null && message.messageClass() == StunMessage.CLASS_ERROR_RESPONSE) {
                        selected.completeExceptionally(new IllegalStateException("binding error " + message.errorCode()));
                    }
                }
                case DTLS -> dtlsLoop.execute(() -> {
                    if (dtls != null) {
                        dtls.handleIncoming(packet);
                    }
                });
                default -> { }
            }
        }

        @Override
        public void onOutgoingDtls(ByteBuf datagram) {
            try {
                channel.write(datagram.nioBuffer());
            } catch (IOException e) {
                // Lost like a datagram; DTLS retransmits.
            } finally {
                datagram.release();
            }
        }

        @Override
        public void onDtlsConnected(SrtpProfile profile, byte[] localKeyAndSalt, byte[] remoteKeyAndSalt) {
            int keyLength = profile.keyLength();
            negotiatedProfiles.add(profile);
            sending = new SrtpSendContext(profile, Arrays.copyOf(localKeyAndSalt, keyLength),
                    Arrays.copyOfRange(localKeyAndSalt, keyLength, localKeyAndSalt.length));
            srtp.complete(new SrtpReceiveContext(profile, Arrays.copyOf(remoteKeyAndSalt, keyLength),
                    Arrays.copyOfRange(remoteKeyAndSalt, keyLength, remoteKeyAndSalt.length)));
        }

        @Override
        public void onDtlsFailed(String reason) {
            srtp.completeExceptionally(new IllegalStateException("DTLS failed: " + reason));
        }

        @Override
        public void onDtlsClosed() {
            srtp.completeExceptionally(new IllegalStateException("DTLS closed"));
        }
    }

    /** Reads the sockets of consumers being set up: STUN responses and DTLS records. */
    private static final class SetupReader implements Runnable {
        final Selector selector;
        final Thread thread = new Thread(this, "webrtc-clients-setup");
        final ConcurrentLinkedQueue<Client> pending = new ConcurrentLinkedQueue<>();
        final ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        volatile boolean running = true;

        SetupReader(Selector selector) {
            this.selector = selector;
            thread.setDaemon(true);
        }

        /** Registration happens on the reader's thread: register() blocks while select() runs. */
        void register(Client client) {
            pending.add(client);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    for (Client client; (client = pending.poll()) != null; ) {
                        client.channel.register(selector, SelectionKey.OP_READ, client);
                    }
                    selector.select(this::drain, 100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void drain(SelectionKey key) {
            Client client = (Client) key.attachment();
            try {
                while (true) {
                    buffer.clear();
                    int length = client.channel.read(buffer);
                    if (length <= 0) {
                        return;
                    }
                    // A copy each: DTLS records are handed to another thread.
                    client.onPacket(Unpooled.wrappedBuffer(Arrays.copyOf(buffer.array(), length)));
                }
            } catch (IOException e) {
                // ICMP port unreachable and the like: nothing to read.
            }
        }
    }
}
