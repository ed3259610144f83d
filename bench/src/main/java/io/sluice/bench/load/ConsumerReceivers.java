package io.sluice.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One non-blocking UDP socket per consumer, read by a few threads with a selector each. Every
 * packet is counted for its consumer; every {@code sampleEvery}-th packet of a consumer is
 * decrypted with the consumer transport's SRTP key (proving the worker encrypted it right) and
 * its embedded send time gives one latency sample. Counters are per consumer and written only by
 * the thread that owns the consumer's socket; they are read after the threads are joined.
 */
final class ConsumerReceivers implements AutoCloseable {

    private static final int MAX_DATAGRAM = 2048;
    private static final int LATENCY_CAPACITY = 400_000;

    private final int receiveBufferBytes;
    private final int sampleEvery;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<SrtpReceiveContext> keys = new ArrayList<>();
    private long[] received = new long[0];
    private long decryptFailures;
    private long rtcpReceived;
    private long[] latencies = new long[0];
    private int latencyCount;
    private long receiverCpuNanos;
    private final List<Reader> readers = new ArrayList<>();

    ConsumerReceivers(int receiveBufferBytes, int sampleEvery) {
        this.receiveBufferBytes = receiveBufferBytes;
        this.sampleEvery = sampleEvery;
    }

    /** Opens a receiver for packets from {@code workerSide}; returns its local port. */
    int add(InetSocketAddress workerSide, SrtpProfile profile, byte[] keyAndSalt) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.connect(workerSide);
        channel.configureBlocking(false);
        channels.add(channel);
        keys.add(new SrtpReceiveContext(profile, Arrays.copyOf(keyAndSalt, profile.keyLength()),
                Arrays.copyOfRange(keyAndSalt, profile.keyLength(), keyAndSalt.length)));
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * Takes over a socket already connected to the worker (a WebRTC consumer's, after ICE and
     * DTLS) with the SRTP context for what the worker sends on it; closes it on {@link #close()}.
     */
    void adopt(DatagramChannel channel, SrtpReceiveContext key) {
        channels.add(channel);
        keys.add(key);
    }

    int size() {
        return channels.size();
    }

    /** SO_RCVBUF as the kernel granted it (Linux reports twice the request, capped by rmem_max). */
    int grantedReceiveBuffer() throws IOException {
        return channels.isEmpty() ? 0 : channels.get(0).getOption(StandardSocketOptions.SO_RCVBUF);
    }

    /** Zeroes the counters and starts {@code threads} readers over all sockets. */
    void start(int threads) throws IOException {
        received = new long[channels.size()];
        latencies = new long[LATENCY_CAPACITY];
        latencyCount = 0;
        decryptFailures = 0;
        rtcpReceived = 0;
        receiverCpuNanos = 0;
        for (int t = 0; t < threads; t++) {
            Selector selector = Selector.open();
            for (int i = t; i < channels.size(); i += threads) {
                channels.get(i).register(selector, SelectionKey.OP_READ, i);
            }
            Reader reader = new Reader(selector);
            readers.add(reader);
            reader.thread.start();
        }
    }

    /**
     * Waits until no packet arrived for {@code quiet} (the worker's backlog is drained), at most
     * {@code limit}; a step's late packets are then counted in it and not in the next one.
     */
    void awaitQuiet(long quietNanos, long limitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + limitNanos;
        while (System.nanoTime() < deadline) {
            long last = 0;
            for (Reader reader : readers) {
                last = Math.max(last, reader.lastPacketNanos);
            }
            if (System.nanoTime() - last > quietNanos) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Stops and joins the readers; the counters are then stable. */
    void stop() throws InterruptedException, IOException {
        for (Reader reader : readers) {
            reader.running = false;
            reader.selector.wakeup();
        }
        for (Reader reader : readers) {
            reader.thread.join();
            reader.selector.close();
            receiverCpuNanos += reader.cpuNanos;
            decryptFailures += reader.decryptFailures;
            rtcpReceived += reader.rtcpReceived;
            int copy = Math.min(reader.latencyCount, latencies.length - latencyCount);
            System.arraycopy(reader.latencies, 0, latencies, latencyCount, copy);
            latencyCount += copy;
        }
        readers.clear();
    }

    long[] receivedPerConsumer() {
        return received;
    }

    long decryptFailures() {
        return decryptFailures;
    }

    /** SRTCP packets (the worker's sender reports) received and left out of the counts. */
    long rtcpReceived() {
        return rtcpReceived;
    }

    long receiverCpuNanos() {
        return receiverCpuNanos;
    }

    /** Nearest-rank percentile of the sampled forwarding latencies, in microseconds. */
    double latencyPercentileMicros(double percentile) {
        if (latencyCount == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * latencyCount);
        return sorted[Math.max(0, Math.min(latencyCount - 1, rank - 1))] / 1_000.0;
    }

    int latencySamples() {
        return latencyCount;
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel channel : channels) {
            channel.close();
        }
    }

    private final class Reader implements Runnable {
        final Selector selector;
        final Thread thread = new Thread(this, "fanout-receiver");
        final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        final ByteBuf view = Unpooled.wrappedBuffer(buffer);
        final long[] latencies = new long[LATENCY_CAPACITY / 4];
        int latencyCount;
        long decryptFailures;
        long rtcpReceived;
        long cpuNanos;
        volatile boolean running = true;
        volatile long lastPacketNanos;

        Reader(Selector selector) {
            this.selector = selector;
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            try {
                while (running) {
                    selector.select(this::drain, 100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                cpuNanos = threads.getCurrentThreadCpuTime() - cpuStart;
            }
        }

        private void drain(SelectionKey key) {
            int consumer = (Integer) key.attachment();
            DatagramChannel channel = (DatagramChannel) key.channel();
            try {
                while (true) {
                    buffer.clear();
                    int length = channel.read(buffer);
                    if (length <= 0) {
                        return;
                    }
                    lastPacketNanos = System.nanoTime();
                    // RFC 7983 §7: only 128..191 in the first byte is RTP or RTCP; a WebRTC
                    // consumer's socket also gets STUN responses to its consent checks.
                    int first = buffer.get(0) & 0xFF;
                    if (first < 128 || first > 191) {
                        continue;
                    }
                    // RFC 5761 §4: with rtcp-mux the worker's SRTCP sender reports share the port;
                    // only RTP (second byte's payload type outside 64..95) counts as forwarded media.
                    if (length >= 2 && (buffer.get(1) & 0x7F) >= 64 && (buffer.get(1) & 0x7F) <= 95) {
                        rtcpReceived++;
                        continue;
                    }
                    long count = ++received[consumer];
                    if (count % sampleEvery == 1) {
                        sample(consumer, length);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Decrypts one packet and records now minus the send time at the start of its payload. */
        private void sample(int consumer, int length) {
            view.setIndex(0, length);
            if (!keys.get(consumer).unprotectRtp(view)) {
                decryptFailures++;
                return;
            }
            long arrived = System.nanoTime();
            // RFC 3550 §5.1: fixed header, CSRCs, then an extension when X is set (§5.3.1).
            int headerLength = 12 + 4 * (view.getByte(0) & 0x0F);
            if ((view.getByte(0) & 0x10) != 0) {
                headerLength += 4 + 4 * view.getUnsignedShort(headerLength + 2);
            }
            if (latencyCount < latencies.length && view.writerIndex() >= headerLength + 8) {
                latencies[latencyCount++] = arrived - view.getLong(headerLength);
            }
        }
    }
}
