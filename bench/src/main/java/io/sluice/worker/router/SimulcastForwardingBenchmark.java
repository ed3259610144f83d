package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * The cost of a simulcast consumer against a simple one, per forwarded 1200-byte VP8 packet: the
 * same producer path and copy as {@link ForwardingBenchmark}, plus, for {@code simulcast}, the
 * producer's VP8 payload descriptor parse (once per packet, shared by every consumer), each
 * consumer's layer decision, sequence number map and picture id / TL0PICIDX rewrite. Every packet
 * is a whole frame of temporal layers 0,2,1,2 with a 15-bit picture id (RFC 7741 §4.2), all
 * forwarded (target: highest layers). {@code forward} sends one packet of the forwarded encoding;
 * {@code forwardWithOtherEncodings} also sends one packet of each of the two other encodings, which
 * the consumers skip (what a simulcast producer costs beyond the forwarded stream). No sockets, no
 * SRTP; run with {@code -prof gc} (see ForwardingBenchmark for the allocation caveats of JMH's threads).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulcastForwardingBenchmark {

    private static final int PACKET_LENGTH = 1200;
    private static final int[] SSRCS = {0x1000_0001, 0x1000_0002, 0x1000_0003};
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};

    @Param({"simple", "simulcast"})
    public String type;

    @Param({"1", "10"})
    public int consumers;

    private final DiscardingTransport transport = new DiscardingTransport();
    private final RtpPacket view = new RtpPacket();
    private final Clock clock = Clock.system();
    private final List<Consumer> created = new ArrayList<>();
    private ByteBuf packet;
    private Producer producer;
    private int encodings;
    private final int[] sequenceNumbers = new int[3];
    private final int[] pictureIds = new int[3];
    private final int[] tl0PicIdxs = new int[3];
    private final int[] frames = new int[3];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        encodings = type.equals("simple") ? 1 : 3;
        var router = Ortc.generateRouterRtpCapabilities(RtpParametersMapper.mediaCodecs(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build())));
        RtpParameters.Builder given = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(96).setClockRate(90000))
                .setRtcp(RtcpParameters.newBuilder().setCname("bench"));
        for (int i = 0; i < encodings; i++) {
            RtpEncodingParameters.Builder encoding = RtpEncodingParameters.newBuilder().setSsrc(SSRCS[i]);
            if (encodings > 1) {
                encoding.setScalabilityMode("L1T3");
            }
            given.addEncodings(encoding);
        }
        var parameters = Ortc.validateRtpParameters(RtpParametersMapper.toDomain(given.build()));
        RtpMapping mapping = Ortc.getProducerRtpParametersMapping(parameters, router, new SplittableRandom(1));
        var consumable = Ortc.getConsumableRtpParameters(io.sluice.worker.router.parameters.MediaKind.VIDEO, parameters, router, mapping);
        Consumer[] all = new Consumer[consumers];
        Producer.Listener listener = new Producer.Listener() {
            @Override
            public void onProducerRtp(Producer from, int stream, RtpPacket rtp) {
                for (Consumer consumer : all) {
                    consumer.send(stream, rtp);
                }
            }

            @Override
            public void onProducerPaused(Producer from) {}

            @Override
            public void onProducerResumed(Producer from) {}

            @Override
            public void onProducerStreamActivity(Producer from, int stream, boolean active) {
                for (Consumer consumer : all) {
                    consumer.onProducerStreamActivity(stream, active);
                }
            }
        };
        producer = new Producer("p", io.sluice.worker.router.parameters.MediaKind.VIDEO, transport, parameters, mapping, consumable, false,
                Map.of(), listener, clock, PooledByteBufAllocator.DEFAULT);
        created.clear();
        for (int i = 0; i < consumers; i++) {
            var own = Ortc.getConsumerRtpParameters(consumable, router, false, false, new SplittableRandom(i));
            all[i] = encodings == 1
                    ? new SimpleConsumer("c" + i, producer, transport, own, false, Map.of(), clock,
                            PooledByteBufAllocator.DEFAULT)
                    : new SimulcastConsumer("c" + i, producer, transport, own, false, Map.of(),
                            clock, PooledByteBufAllocator.DEFAULT, null);
            created.add(all[i]);
        }
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(PACKET_LENGTH);
        // Every encoding starts (highest first) with a key frame, so the consumers forward the highest.
        for (int i = encodings - 1; i >= 0; i--) {
            send(i);
        }
        if (encodings > 1 && ((SimulcastConsumer) created.get(0)).currentLayers() == null) {
            throw new IllegalStateException("the simulcast consumers forward nothing");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
        created.forEach(Consumer::close);
    }

    /**
     * Rebuilds encoding {@code index}'s next packet, one whole frame: RTP header, VP8 descriptor
     * (X, S, picture id, TL0PICIDX, TID/Y), the payload header (P=0 on the first frame only).
     */
    private void send(int index) {
        int frame = frames[index]++;
        int temporal = frame == 0 ? 0 : TEMPORAL_PATTERN[frame % TEMPORAL_PATTERN.length];
        pictureIds[index] = (pictureIds[index] + 1) & 0x7FFF;
        if (temporal == 0) {
            tl0PicIdxs[index] = (tl0PicIdxs[index] + 1) & 0xFF;
        }
        packet.clear();
        packet.writeByte(0x80).writeByte(0x80 | 96).writeShort(sequenceNumbers[index]++)
                .writeInt(frame * 3000).writeInt(SSRCS[index]);
        packet.writeByte(0x90).writeByte(0xE0).writeShort(0x8000 | pictureIds[index]).writeByte(tl0PicIdxs[index])
                .writeByte(temporal << 6 | (temporal > 0 && frame % 4 != 3 ? 0x20 : 0));
        packet.writeByte(frame == 0 ? 0x10 : 0x11).writeShort(0);
        packet.writerIndex(PACKET_LENGTH);
        view.wrap(packet);
        producer.receive(view);
    }

    /** One packet of the forwarded encoding (the highest). */
    @Benchmark
    public long forward() {
        send(encodings - 1);
        return transport.sent;
    }

    /** One packet of each encoding: the forwarded one and, for simulcast, the two the consumers skip. */
    @Benchmark
    public long forwardWithOtherEncodings() {
        for (int i = 0; i < encodings; i++) {
            send(i);
        }
        return transport.sent;
    }
}
