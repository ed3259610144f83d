package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.router.observer.DominantSpeakerIdentification;
import io.sluice.worker.router.observer.RtpObservers;
import io.sluice.worker.router.observer.SpeakerActivity;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.time.Clock;
import java.util.List;
import java.util.Map;
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

/**
 * What the RTP observers cost. {@link #observePacket}: one Opus packet of an observed producer
 * through the router's observers (an active speaker observer and an audio level observer both
 * watching it): the map lookup, the one-byte ssrc-audio-level read, the level into each
 * observer's state; per packet, added to forwarding. {@link #decide}: a new frame from each of
 * {@code speakers} speakers, then one dominant speaker decision among them (made every interval,
 * 300 ms by default), their scores evaluated afresh. Run with {@code -prof gc}: the per-packet path must allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RtpObserverBenchmark {

    private static final int SSRC = 0x0a11ce;
    private static final int AUDIO_LEVEL_ID = 1;

    @Param({"10"})
    public int speakers;

    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final RtpPacket view = new RtpPacket();
    private ByteBuf packet;
    private Producer producer;
    private RtpObservers observers;
    private int routerAudioLevelId;
    private int level;
    private final DominantSpeakerIdentification<Integer> identification = new DominantSpeakerIdentification<>();
    private SpeakerActivity[] activities;
    private long nowMs;
    private int frame;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        var router = Ortc.generateRouterRtpCapabilities(RtpParametersMapper.mediaCodecs(List.of(RtpCodecCapability
                .newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000).setChannels(2)
                .build())));
        var parameters = Ortc.validateRtpParameters(RtpParametersMapper.toDomain(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("audio/opus").setPayloadType(111)
                        .setClockRate(48000).setChannels(2))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL).setId(AUDIO_LEVEL_ID))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(SSRC))
                .setRtcp(RtcpParameters.newBuilder().setCname("bench"))
                .build()));
        RtpMapping mapping = Ortc.getProducerRtpParametersMapping(parameters, router, new SplittableRandom(1));
        var consumable = Ortc.getConsumableRtpParameters(io.sluice.worker.router.parameters.MediaKind.AUDIO,
                parameters, router, mapping);
        producer = new Producer("p", io.sluice.worker.router.parameters.MediaKind.AUDIO, new DiscardingTransport(),
                parameters, mapping, consumable, false, Map.of(), new Producer.Listener() {
                    @Override
                    public void onProducerRtp(Producer from, int stream, RtpPacket rtp) {}

                    @Override
                    public void onProducerPaused(Producer from) {}

                    @Override
                    public void onProducerResumed(Producer from) {}
                }, Clock.system(), PooledByteBufAllocator.DEFAULT);
        routerAudioLevelId = consumable.headerExtensions().stream()
                .filter(extension -> extension.uri().equals(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL))
                .findFirst().orElseThrow().id();
        observers = new RtpObservers("router", loop.eventLoop(), Clock.system(), EntityEvents.NONE);
        observers.addProducer(observers.createActiveSpeakerObserver(300, Map.of()), producer);
        observers.addProducer(observers.createAudioLevelObserver(1, -80, 1000, Map.of()), producer);
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(120);
        activities = new SpeakerActivity[speakers];
        for (int speaker = 0; speaker < speakers; speaker++) {
            activities[speaker] = identification.add(speaker, 0);
        }
        for (int i = 0; i < 50; i++) {
            decide();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
        loop.finishAndReleaseAll();
    }

    /** A 100-byte Opus packet with the level element under the router's id, through both observers. */
    @Benchmark
    public int observePacket() {
        level = (level + 7) & 0x7f;
        packet.clear();
        packet.writeByte(0x90).writeByte(111).writeShort(level).writeInt(level * 960).writeInt(SSRC);
        packet.writeShort(RtpPacket.ONE_BYTE_EXTENSION_PROFILE).writeShort(1);
        packet.writeByte(routerAudioLevelId << 4).writeByte(0x80 | level).writeShort(0);
        packet.writerIndex(100);
        view.wrap(packet);
        observers.onProducerRtp(producer, view);
        return level;
    }

    /** A new 20 ms frame from every speaker (volumes that keep changing), then one decision. */
    @Benchmark
    public Integer decide() {
        nowMs += 20;
        frame++;
        for (int speaker = 0; speaker < activities.length; speaker++) {
            activities[speaker].onVolume(40 + (speaker * 7 + frame * 13) % 80, nowMs);
        }
        return identification.decide(nowMs);
    }
}
