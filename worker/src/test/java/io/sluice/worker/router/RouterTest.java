package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One router and what it owns, on a real loop with plain transports bound on loopback, the test
 * clock, and the entities' events and mappings recorded by fake listeners (no NATS, no Redis):
 * producers and consumers as the router sees them, the order and reasons of its close cascade,
 * and canConsume.
 */
class RouterTest {

    private static final RtpCodecCapability VP8 =
            new RtpCodecCapability(MediaKind.VIDEO, "video/VP8", null, 90000, null, Map.of(), List.of());
    private static final RtpCodecCapability OPUS =
            new RtpCodecCapability(MediaKind.AUDIO, "audio/opus", null, 48000, 2, Map.of(), List.of());

    /** One line per event: "consumer c closed ROUTER_CLOSED", "consumer c producerpause". */
    private final List<String> events = new ArrayList<>();
    private final List<String> liveMappings = new ArrayList<>();
    private final TestClock clock = new TestClock();
    private MultiThreadIoEventLoopGroup loops;
    private IoEventLoop loop;
    private Worker worker;
    private Router router;

    @BeforeEach
    void createARouter() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = loops.next();
        TransportMappingListener mappings = new TransportMappingListener() {
            @Override
            public void transportCreated(String transportId, String workerId, Router router, String userId) {
                liveMappings.add(transportId);
            }

            @Override
            public void transportClosed(String transportId) {
                liveMappings.remove(transportId);
            }
        };
        RtcResources rtc = new RtcResources(null, null, InetAddress.getLoopbackAddress(), "127.0.0.1",
                new PortRange(40000, 65000), mappings, new IceTcpGuard(16, 16, Duration.ofSeconds(5), clock),
                EntityLimits.UNLIMITED, new LocalPipes());
        worker = new Worker("w", loop, clock, rtc, new RecordingEvents());
        router = onLoop(() -> worker.createRouter(List.of(OPUS, VP8), "room", Map.of("app", "data")));
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    void itKnowsItsProducersAndTheirConsumersInCreationOrder() throws Exception {
        PlainTransport sending = plainTransport();
        PlainTransport receiving = plainTransport();
        Producer video = produce(sending, 1111);
        Producer audio = produceAudio(sending, 2222);
        Consumer audioConsumer = consume(receiving, audio);
        Consumer videoConsumer = consume(receiving, video);
        Consumer secondVideoConsumer = consume(sending, video);

        RouterDump dump = onLoop(router::dump);
        assertThat(dump.transportIds()).containsExactly(sending.id(), receiving.id());
        assertThat(dump.producerIds()).containsExactly(video.id(), audio.id());
        assertThat(dump.consumerIds()).as("by producer, each producer's in creation order")
                .containsExactly(videoConsumer.id(), secondVideoConsumer.id(), audioConsumer.id());
        assertThat(onLoop(() -> worker.consumersOf(video))).containsExactly(videoConsumer, secondVideoConsumer);
        assertThat(onLoop(() -> worker.producerIds(sending))).containsExactly(video.id(), audio.id());
        assertThat(onLoop(() -> worker.consumerIds(receiving))).containsExactly(audioConsumer.id(), videoConsumer.id());
        assertThat(liveMappings).containsExactly(sending.id(), receiving.id());
        assertThat(events).isEmpty();
    }

    @Test
    void aProducerPausedOrResumedTellsEachOfItsConsumers() throws Exception {
        PlainTransport sending = plainTransport();
        Producer video = produce(sending, 1111);
        Consumer first = consume(plainTransport(), video);
        Consumer second = consume(plainTransport(), video);

        onLoop(video::pause);
        onLoop(video::resume);

        assertThat(events).containsExactly(
                "consumer " + first.id() + " producerpause", "consumer " + second.id() + " producerpause",
                "consumer " + first.id() + " producerresume", "consumer " + second.id() + " producerresume");
    }

    @Test
    void closingItClosesConsumersThenProducersThenTransportsInCreationOrderAllAsRouterClosed() throws Exception {
        PlainTransport first = plainTransport();
        PlainTransport second = plainTransport();
        Producer firstVideo = produce(first, 1111);
        Producer secondVideo = produce(second, 2222);
        Producer secondAudio = produceAudio(second, 3333);
        // Every consumer's producer lives on another transport: a cascade that closed producers
        // first would close them as PRODUCER_CLOSED.
        Consumer onFirstOfSecondVideo = consume(first, secondVideo);
        Consumer onFirstOfSecondAudio = consume(first, secondAudio);
        Consumer onSecondOfFirstVideo = consume(second, firstVideo);

        onLoop(() -> {
            worker.closeRouter(router.id());
            return null;
        });

        assertThat(events).containsExactly(
                "consumer " + onFirstOfSecondVideo.id() + " closed ROUTER_CLOSED",
                "consumer " + onFirstOfSecondAudio.id() + " closed ROUTER_CLOSED",
                "consumer " + onSecondOfFirstVideo.id() + " closed ROUTER_CLOSED",
                "producer " + firstVideo.id() + " closed ROUTER_CLOSED",
                "producer " + secondVideo.id() + " closed ROUTER_CLOSED",
                "producer " + secondAudio.id() + " closed ROUTER_CLOSED",
                "transport " + first.id() + " closed ROUTER_CLOSED",
                "transport " + second.id() + " closed ROUTER_CLOSED",
                "router " + router.id() + " closed REQUESTED");
        assertThat(router.closed()).isTrue();
        assertThat(first.closed()).isTrue();
        assertThat(second.closed()).isTrue();
        assertThat(liveMappings).isEmpty();
        assertThat(onLoop(() -> List.of(worker.transportCount(), worker.producerCount(), worker.consumerCount())))
                .containsOnly(0);
        assertThat(refusal(() -> worker.router(router.id()))).hasMessage("router not found: " + router.id());
        assertThat(refusal(() -> worker.producer(firstVideo.id()))).hasMessage("producer not found: " + firstVideo.id());
    }

    @Test
    void canConsumeAsksWhetherTheEndpointReceivesTheProducersCodec() throws Exception {
        Producer video = produce(plainTransport(), 1111);
        RtpCapabilities audioOnly = Ortc.generateRouterRtpCapabilities(List.of(OPUS));

        assertThat(onLoop(() -> worker.canConsume(router, video.id(), router.rtpCapabilities()))).isTrue();
        assertThat(onLoop(() -> worker.canConsume(router, video.id(), audioOnly))).isFalse();
        assertThat(refusal(() -> worker.canConsume(router, "no-such-producer", router.rtpCapabilities())).code())
                .isEqualTo(SluiceException.Code.NOT_FOUND);
        Router other = onLoop(() -> worker.createRouter(List.of(VP8), "other room", Map.of()));
        assertThat(refusal(() -> worker.canConsume(other, video.id(), other.rtpCapabilities())).code())
                .as("a producer of another router").isEqualTo(SluiceException.Code.NOT_FOUND);
    }

    @Test
    void aConsumerTheEndpointCannotReceiveIsRefusedAndLeavesNothingBehind() throws Exception {
        PlainTransport receiving = plainTransport();
        Producer video = produce(plainTransport(), 1111);
        RtpCapabilities audioOnly = Ortc.generateRouterRtpCapabilities(List.of(OPUS));

        SluiceException refused = refusal(() -> worker.consume(receiving.id(), video.id(), audioOnly, null, false,
                Map.of()));
        assertThat(refused.code()).isNotEqualTo(SluiceException.Code.NOT_FOUND);
        assertThat(onLoop(() -> worker.consumerCount())).isZero();
        assertThat(onLoop(router::dump).consumerIds()).isEmpty();
        assertThat(events).isEmpty();
    }

    private final class RecordingEvents extends EntityEvents.Ignoring {
        @Override
        public void routerClosed(Router closed, CloseReason reason) {
            events.add("router " + closed.id() + " closed " + reason);
        }

        @Override
        public void transportClosed(Transport transport, CloseReason reason) {
            events.add("transport " + transport.id() + " closed " + reason);
        }

        @Override
        public void producerClosed(Producer producer, CloseReason reason) {
            events.add("producer " + producer.id() + " closed " + reason);
        }

        @Override
        public void consumerProducerClosed(Consumer consumer) {
            events.add("consumer " + consumer.id() + " producerclose");
        }

        @Override
        public void consumerProducerPaused(Consumer consumer) {
            events.add("consumer " + consumer.id() + " producerpause");
        }

        @Override
        public void consumerProducerResumed(Consumer consumer) {
            events.add("consumer " + consumer.id() + " producerresume");
        }

        @Override
        public void consumerClosed(Consumer consumer, CloseReason reason) {
            events.add("consumer " + consumer.id() + " closed " + reason);
        }
    }

    private PlainTransport plainTransport() throws Exception {
        return onLoop(() -> worker.createPlainTransport(router, new PlainTransportOptions(
                new ListenInfo(null, "127.0.0.1", "", 0, null), null, true, true, null, "user", Map.of())))
                .get(30, TimeUnit.SECONDS);
    }

    private Producer produce(PlainTransport transport, int ssrc) throws Exception {
        return produce(transport, MediaKind.VIDEO, "video/VP8", 90000, 0, ssrc);
    }

    private Producer produceAudio(PlainTransport transport, int ssrc) throws Exception {
        return produce(transport, MediaKind.AUDIO, "audio/opus", 48000, 2, ssrc);
    }

    private Producer produce(PlainTransport transport, MediaKind kind, String mimeType, int clockRate, int channels,
            int ssrc) throws Exception {
        RtpCodecParameters.Builder codec = RtpCodecParameters.newBuilder().setMimeType(mimeType).setPayloadType(100)
                .setClockRate(clockRate);
        if (channels > 0) {
            codec.setChannels(channels);
        }
        return onLoop(() -> worker.produce(transport.id(), kind, ApiOrtc.domain(RtpParameters.newBuilder()
                .addCodecs(codec)
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .setRtcp(RtcpParameters.newBuilder().setCname("router-test"))
                .build()), false, Map.of()));
    }

    private Consumer consume(PlainTransport transport, Producer producer) throws Exception {
        return onLoop(() -> worker.consume(transport.id(), producer.id(), router.rtpCapabilities(), null, false,
                Map.of()));
    }

    /** The refusal of {@code task} on the loop: a SluiceException, whatever its code. */
    private SluiceException refusal(Callable<?> task) {
        ExecutionException failed = catchThrowableOfType(ExecutionException.class, () -> onLoop(task));
        assertThat(failed).as("refused").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(SluiceException.class);
        return (SluiceException) failed.getCause();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(30, TimeUnit.SECONDS);
    }
}
