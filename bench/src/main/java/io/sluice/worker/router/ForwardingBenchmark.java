package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import java.util.Map;

/**
 * One incoming 1200-byte RTP packet through a producer (SSRC lookup, payload type and extension
 * id rewrite) and the router's fan-out to {@code consumers} simple consumers, each copying it into
 * a pooled buffer with SRTP room and rewriting it; with NACK, the first consumer also copies it
 * once into the producer's shared retransmission store and each notes its handle. The transport
 * releases what it is given. No sockets, no SRTP. Run with {@code -prof gc}. Three JVM facts
 * decide the allocation: JMH's threads are not Netty {@code FastThreadLocalThread}s, so the pool's
 * buffer objects are not recycled (about 96 B per buffer) as they are on an event loop, unless
 * JMH is given {@link io.sluice.bench.FastThreadLocalExecutor}; on JDK 24+ Netty uses
 * Unsafe-free direct buffers unless started with {@code --sun-misc-unsafe-memory-access=allow},
 * and their copy allocates a {@code ByteBuffer} duplicate (64 B per consumer per packet); and
 * Netty's default leak detector samples about one buffer in a hundred (about 12 B per buffer on
 * average). On a FastThreadLocalThread with Unsafe allowed and leak detection off the path
 * allocates 0 B per packet (docs/benchmarks.md). In the worker's package, since producers and
 * consumers are built by {@link WorkerMedia} only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ForwardingBenchmark {

    private static final int PACKET_LENGTH = 1200;
    private static final int SSRC = 0x11223344;
    private static final int ABS_SEND_TIME_ID = 3;

    @Param({"1", "10"})
    public int consumers;

    /**
     * With generic NACK negotiated on both sides: the producer's NackGenerator sees every packet
     * and each consumer keeps a copy of what it sends in its RetransmissionBuffer.
     */
    @Param({"false", "true"})
    public boolean nack;

    private final DiscardingTransport transport = new DiscardingTransport();
    private final RtpPacket view = new RtpPacket();
    private ByteBuf packet;
    private Producer producer;
    private final java.util.List<SimpleConsumer> created = new java.util.ArrayList<>();
    private int sequenceNumber;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        var router = Ortc.generateRouterRtpCapabilities(RtpParametersMapper.mediaCodecs(java.util.List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build())));
        var parameters = Ortc.validateRtpParameters(RtpParametersMapper.toDomain(RtpParameters.newBuilder()
                .addCodecs(nack
                        ? RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(96).setClockRate(90000)
                                .addRtcpFeedback(io.sluice.api.v1.RtcpFeedback.newBuilder().setType("nack"))
                        : RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(96).setClockRate(90000))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.ABS_SEND_TIME).setId(ABS_SEND_TIME_ID))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("bench"))
                .build()));
        RtpMapping mapping = Ortc.getProducerRtpParametersMapping(parameters, router, new SplittableRandom(1));
        var consumable = Ortc.getConsumableRtpParameters(io.sluice.worker.router.parameters.MediaKind.VIDEO, parameters, router, mapping);
        java.util.List<SimpleConsumer> fanOut = new java.util.ArrayList<>();
        Producer.Listener listener = new Producer.Listener() {
            private final SimpleConsumer[] all = new SimpleConsumer[consumers];

            @Override
            public void onProducerRtp(Producer from, int stream, RtpPacket rtp) {
                if (all[0] == null) {
                    fanOut.toArray(all);
                }
                for (SimpleConsumer consumer : all) {
                    consumer.send(stream, rtp);
                }
            }

            @Override
            public void onProducerPaused(Producer from) {}

            @Override
            public void onProducerResumed(Producer from) {}
        };
        producer = new Producer("p", io.sluice.worker.router.parameters.MediaKind.VIDEO, transport, parameters, mapping, consumable, false,
                Map.of(), listener, Clock.system(), PooledByteBufAllocator.DEFAULT);
        created.clear();
        for (int i = 0; i < consumers; i++) {
            var own = Ortc.getConsumerRtpParameters(consumable, router, false, nack, new SplittableRandom(i));
            fanOut.add(new SimpleConsumer("c" + i, producer, transport, own, false, Map.of(),
                    Clock.system(), PooledByteBufAllocator.DEFAULT));
        }
        created.addAll(fanOut);
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(PACKET_LENGTH);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
        created.forEach(SimpleConsumer::close);
    }

    /** Rebuilds the producer's incoming packet (the producer rewrites it in place) and forwards it. */
    @Benchmark
    public long forward() {
        packet.clear();
        packet.writeByte(0x90).writeByte(96).writeShort(sequenceNumber++).writeInt(sequenceNumber * 3000).writeInt(SSRC);
        packet.writeShort(RtpPacket.ONE_BYTE_EXTENSION_PROFILE).writeShort(1);
        packet.writeByte(ABS_SEND_TIME_ID << 4 | 2).writeMedium(0x123456);
        packet.writerIndex(PACKET_LENGTH);
        view.wrap(packet);
        producer.receive(view);
        return transport.sent;
    }
}
