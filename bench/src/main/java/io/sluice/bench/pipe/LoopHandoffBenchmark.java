package io.sluice.bench.pipe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.pipe.LoopHandoff;
import io.sluice.worker.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-process pipe hop: a 1200-byte pooled packet (with SRTP room, as a pipe consumer's copy)
 * handed from the JMH thread (the upstream loop) to a Netty event loop (the downstream loop)
 * (the worker's kind of loop) through a {@link LoopHandoff}, read there and released; against the same packet allocated,
 * read and released on one thread. The difference is what the hop costs per packet. The upstream
 * side waits while 512 packets are in flight, so nothing is dropped and the figure is the rate
 * the slower side sustains. Run with {@code -prof gc} and the worker's JVM options
 * ({@code --sun-misc-unsafe-memory-access=allow}, leak detection disabled, JMH threads as
 * {@code FastThreadLocalThread}s: see ForwardingBenchmark), docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LoopHandoffBenchmark {

    private static final int PACKET_LENGTH = 1200;
    private static final int SRTP_ROOM = 16;
    private static final int IN_FLIGHT = 512;

    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final AtomicLong delivered = new AtomicLong();
    private MultiThreadIoEventLoopGroup loops;
    private EventLoop downstream;
    private LoopHandoff handoff;
    private long sum;
    private int sequence;

    @Setup(Level.Trial)
    public void setUp() {
        // The worker's kind of loop (epoll, else NIO): its task queue takes the drain task without allocating.
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        downstream = loops.next();
        handoff = new LoopHandoff(downstream, LoopHandoff.DEFAULT_CAPACITY, Clock.system(), packet -> {
            sum += packet.getInt(packet.readerIndex());
            delivered.lazySet(delivered.get() + 1);
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        downstream.submit(handoff::close).syncUninterruptibly();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (handoff.dropped() != 0) {
            throw new IllegalStateException(handoff.dropped() + " packets dropped: the figure is not the hop's");
        }
    }

    private ByteBuf packet() {
        ByteBuf packet = allocator.directBuffer(PACKET_LENGTH + SRTP_ROOM);
        packet.writerIndex(PACKET_LENGTH);
        packet.setInt(0, sequence++);
        return packet;
    }

    @Benchmark
    public long sameLoop() {
        ByteBuf packet = packet();
        long read = packet.getInt(0);
        packet.release();
        return read;
    }

    @Benchmark
    public boolean acrossLoops() {
        while (handoff.handedOver() - delivered.get() >= IN_FLIGHT) {
            Thread.onSpinWait();
        }
        return handoff.offer(packet());
    }
}
