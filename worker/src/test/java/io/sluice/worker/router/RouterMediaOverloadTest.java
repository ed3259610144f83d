package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.observer.RtpObservers;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.testsupport.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fan-out under overload: a packet that waited too long before the loop read it reaches no
 * consumer while late packets are dropped (and every consumer otherwise), and the shedder pauses
 * consumers lowest priority first, the last made first among equals, and resumes them, but never
 * a pipe consumer (a whole router's listeners on another loop). A packet is judged by the wait its
 * transport reports for this loop (an in-process pipe: the hand-off's alone).
 */
class RouterMediaOverloadTest {

    private static final int PAYLOAD_TYPE = 101;
    /** 30 packets per second at 90 kHz. */
    private static final int TICKS = 3000;
    private static final long PERIOD_MS = 1000 / 30;

    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
    private final TestClock clock = new TestClock(1000, TestClock.DEFAULT_EPOCH_MILLIS);
    private final SimpleConsumerTest.RecordingTransport sending = new SimpleConsumerTest.RecordingTransport(0);
    private final List<SimpleConsumerTest.RecordingTransport> receiving = new ArrayList<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final List<ByteBuf> incoming = new ArrayList<>();
    private final LoopOverload overload = new LoopOverload();
    private final RouterMedia media = new RouterMedia(EntityEvents.NONE,
            new RtpObservers("router", new EmbeddedChannel().eventLoop(), clock, EntityEvents.NONE), overload);
    private final LoadShedder shedder = new LoadShedder(media::consumers);
    private Producer producer;
    private PipeConsumer pipe;
    private int sequenceNumber;

    @BeforeEach
    void createProducerAndConsumers() throws Exception {
        RtpCapabilities router = ApiOrtc.generateRouterRtpCapabilities(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build()));
        RtpParameters parameters = ApiOrtc.validateRtpParameters(RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PAYLOAD_TYPE)
                        .setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0x11223344))
                .setRtcp(RtcpParameters.newBuilder().setCname("test"))
                .build());
        RtpMapping mapping = ApiOrtc.getProducerRtpParametersMapping(parameters, router, new SplittableRandom(1));
        RtpParameters consumable = ApiOrtc.getConsumableRtpParameters(MediaKind.VIDEO, parameters, router, mapping);
        producer = new Producer("p", ApiOrtc.domain(MediaKind.VIDEO), sending, ApiOrtc.domain(parameters), mapping,
                ApiOrtc.domain(consumable), false, Map.of(), media, clock, allocator);
        media.addProducer(producer);
        int[] priorities = {2, 1, 1, 3};
        for (int i = 0; i < priorities.length; i++) {
            SimpleConsumerTest.RecordingTransport transport = new SimpleConsumerTest.RecordingTransport(0);
            receiving.add(transport);
            RtpParameters own = ApiOrtc.getConsumerRtpParameters(consumable, router, false, true, new SplittableRandom(i));
            Consumer consumer = new SimpleConsumer("c" + i, producer, transport, ApiOrtc.domain(own), false,
                    Map.of(), clock, allocator);
            consumer.setPriority(priorities[i]);
            consumers.add(consumer);
            media.addConsumer(consumer);
        }
        // The room spread to another loop after its listeners joined here: the pipe consumer is the newest.
        SimpleConsumerTest.RecordingTransport pipeTransport = new SimpleConsumerTest.RecordingTransport(0);
        receiving.add(pipeTransport);
        RtpParameters piped = ApiOrtc.getConsumerRtpParameters(consumable, router, true, true, new SplittableRandom(9));
        pipe = new PipeConsumer("pipe", producer, pipeTransport, ApiOrtc.domain(piped), new ConsumerSendStream[0],
                Map.of(), clock, allocator);
        consumers.add(pipe);
        media.addConsumer(pipe);
    }

    @AfterEach
    void releaseEverything() {
        consumers.forEach(Consumer::close);
        sending.releaseAll();
        receiving.forEach(SimpleConsumerTest.RecordingTransport::releaseAll);
        incoming.forEach(ByteBuf::release);
    }

    /** The next packet of the stream, read {@code lateMs} after it was due. */
    private void receive(long lateMs) {
        sequenceNumber++;
        clock.advanceToMillis(1000 + sequenceNumber * PERIOD_MS + lateMs);
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x80).writeByte(PAYLOAD_TYPE).writeShort(sequenceNumber);
        buf.writeInt(TICKS * sequenceNumber).writeInt(0x11223344);
        buf.writeLong(sequenceNumber);
        incoming.add(buf);
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(buf)).isTrue();
        assertThat(producer.receive(view)).isTrue();
    }

    private List<Integer> forwardedCounts() {
        return receiving.stream().map(transport -> transport.rtp.size()).toList();
    }

    @Test
    void latePacketsReachNoConsumerWhileDroppingAndEveryConsumerOtherwise() {
        for (int i = 0; i < 10; i++) {
            receive(0);
        }
        assertThat(forwardedCounts()).containsOnly(10);

        receive(overload.maxInputDelayMs() + 50);
        assertThat(forwardedCounts()).as("late, but nothing is dropped before an overload").containsOnly(11);
        assertThat(overload.late()).isEqualTo(1);

        // The queue drains: each packet is read a little less late than the one before.
        overload.dropLate(true);
        receive(overload.maxInputDelayMs() + 40);
        receive(overload.maxInputDelayMs() + 10);
        assertThat(forwardedCounts()).containsOnly(11);
        assertThat(overload.lateDropped()).isEqualTo(2);
        receive(overload.maxInputDelayMs() - 20);
        receive(overload.maxInputDelayMs() - 50);
        assertThat(forwardedCounts()).containsOnly(13);
        assertThat(overload.late()).isEqualTo(3);
    }

    @Test
    void shedsTheLowestPriorityFirstTheLastMadeFirstAmongEqualsButNeverThePipeAndResumes() {
        assertThat(shedder.apply(1).pausedConsumerIds()).containsExactly("c2");
        LoadShedder.Shed shed = shedder.apply(3);
        assertThat(shed.pausedConsumerIds()).containsExactly("c2", "c1", "c0");
        assertThat(shed.steps()).as("simple consumers: one step each, no layers to lower; the pipe none")
                .isEqualTo(4);
        receive(0);
        assertThat(forwardedCounts()).containsExactly(0, 0, 0, 1, 1);
        assertThat(consumers).extracting(Consumer::paused).as("not paused as consumer.pause pauses").containsOnly(false);

        assertThat(shedder.apply(9).level()).isEqualTo(4);
        assertThat(pipe.shedPaused()).isFalse();
        assertThat(shedder.apply(0).pausedConsumerIds()).isEmpty();
        assertThat(consumers).extracting(Consumer::shedPaused).containsOnly(false);
    }

    @Test
    void aPacketIsJudgedByTheWaitItsTransportReportsForThisLoop() {
        for (int i = 0; i < 10; i++) {
            receive(0);
        }
        overload.dropLate(true);
        sending.reportedInputDelayMs = 0L;
        receive(overload.maxInputDelayMs() + 50);
        assertThat(forwardedCounts()).as("late before it reached this loop's transport, as a piped packet the "
                + "upstream loop forwarded: not dropped here again").containsOnly(11);
        sending.reportedInputDelayMs = overload.maxInputDelayMs() + 1L;
        receive(overload.maxInputDelayMs() + 50);
        assertThat(forwardedCounts()).as("waited too long in the hop to this loop").containsOnly(11);
        assertThat(overload.lateDropped()).isEqualTo(1);
    }
}
