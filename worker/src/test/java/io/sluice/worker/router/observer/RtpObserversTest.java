package io.sluice.worker.router.observer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.router.EntityEvents;
import io.sluice.worker.router.EntityLimits;
import io.sluice.worker.router.ListenInfo;
import io.sluice.worker.router.LocalPipes;
import io.sluice.worker.router.PlainTransport;
import io.sluice.worker.router.PlainTransportOptions;
import io.sluice.worker.router.Producer;
import io.sluice.worker.router.Router;
import io.sluice.worker.router.RtcResources;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.router.TransportMappingListener;
import io.sluice.worker.router.Worker;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.ApiOrtc;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router's RTP observers with real producers of a worker (plain transports on loopback, no
 * NATS): the audio level read from each packet's ssrc-audio-level element under the router's id,
 * mediasoup's "volumes" and "silence", typed refusals, and the ownership tree (a producer's close
 * removes it, the router's close closes its observers). The observers under test run on an
 * embedded loop whose timers fire only when the test says, with the test clock; the ownership
 * cases use the worker's own loop.
 */
class RtpObserversTest {

    private final TestClock clock = new TestClock();
    private final List<String> events = new ArrayList<>();
    private final RtpObserverEvents recording = new RtpObserverEvents() {
        @Override
        public void dominantSpeaker(ActiveSpeakerObserver observer, Producer producer) {
            events.add("dominantspeaker " + name(producer));
        }

        @Override
        public void volumes(AudioLevelObserver observer, List<AudioLevelObserver.Volume> volumes) {
            events.add("volumes " + volumes.stream().map(v -> name(v.producer()) + "=" + v.volume()).toList());
        }

        @Override
        public void silence(AudioLevelObserver observer) {
            events.add("silence");
        }
    };
    /** What the worker's own observers report, on its loop. */
    private final List<String> workerEvents = new CopyOnWriteArrayList<>();
    private final EmbeddedChannel embedded = new EmbeddedChannel();
    private final RtpObservers observers = new RtpObservers("router", embedded.eventLoop(), clock, recording);
    private MultiThreadIoEventLoopGroup loops;
    private IoEventLoop loop;
    private Worker worker;
    private Router router;
    private PlainTransport transport;
    private Producer alice;
    private Producer bob;
    private Producer camera;

    @BeforeEach
    void producers() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = loops.next();
        RtcResources rtc = new RtcResources(null, null, InetAddress.getLoopbackAddress(), "127.0.0.1",
                new PortRange(40000, 65000), TransportMappingListener.NONE,
                new IceTcpGuard(16, 16, Duration.ofSeconds(5), new TestClock()), EntityLimits.UNLIMITED,
                new LocalPipes());
        worker = new Worker("w", loop, new TestClock(), rtc, new EntityEvents.Ignoring() {
            @Override
            public void dominantSpeaker(ActiveSpeakerObserver observer, Producer producer) {
                workerEvents.add("dominantspeaker " + name(producer));
            }
        });
        router = onLoop(() -> worker.createRouter(RtpParametersMapper.mediaCodecs(List.of(
                RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus").setClockRate(48000)
                        .setChannels(2).build(),
                RtpCodecCapability.newBuilder().setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000)
                        .build())), "room", Map.of()));
        Future<PlainTransport> created = onLoop(() -> worker.createPlainTransport(router,
                new PlainTransportOptions(new ListenInfo(null, "127.0.0.1", "", 0, null), null, true, true, null,
                        "user", Map.of())));
        transport = created.get(10, TimeUnit.SECONDS);
        alice = produce(MediaKind.AUDIO, "audio/opus", 48000, 1001);
        bob = produce(MediaKind.AUDIO, "audio/opus", 48000, 1002);
        camera = produce(MediaKind.VIDEO, "video/VP8", 90000, 1003);
    }

    @AfterEach
    void stop() {
        embedded.finishAndReleaseAll();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private Producer produce(MediaKind kind, String mimeType, int clockRate, int ssrc) throws Exception {
        RtpCodecParameters.Builder codec = RtpCodecParameters.newBuilder().setMimeType(mimeType)
                .setPayloadType(kind == MediaKind.AUDIO ? 111 : 96).setClockRate(clockRate);
        if (kind == MediaKind.AUDIO) {
            codec.setChannels(2);
        }
        RtpParameters.Builder parameters = RtpParameters.newBuilder().addCodecs(codec)
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .setRtcp(RtcpParameters.newBuilder().setCname("observers"));
        if (kind == MediaKind.AUDIO) {
            parameters.addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                    .setUri(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL).setId(1));
        }
        return onLoop(() -> worker.produce(transport.id(), ApiOrtc.domain(kind), ApiOrtc.domain(parameters.build()),
                false, Map.of()));
    }

    private String name(Producer producer) {
        return producer == alice ? "alice" : producer == bob ? "bob" : producer.id();
    }

    /** The id the router gave ssrc-audio-level: what a producer's forwarded packets carry it under. */
    private static int routerAudioLevelId(Producer producer) {
        return producer.consumableRtpParameters().headerExtensions().stream()
                .filter(extension -> extension.uri().equals(RtpHeaderExtensionUris.SSRC_AUDIO_LEVEL))
                .findFirst().orElseThrow().id();
    }

    /** An Opus packet with an RFC 8285 one-byte element carrying {@code level} (and the V bit) under {@code id}. */
    private static void send(RtpObservers to, Producer producer, int id, int level) {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {
            (byte) 0x90, 111, 0x00, 0x01,        // V=2, X=1, PT=111, seq 1
            0x00, 0x00, 0x00, 0x02,              // timestamp
            0x00, 0x00, 0x03, (byte) 0xe9,       // SSRC 1001
            (byte) 0xbe, (byte) 0xde, 0x00, 0x01, // RFC 8285 §4.2: one-byte form, one word
            (byte) (id << 4), (byte) (0x80 | level), 0x00, 0x00, // id, L=0: V=1 and the level; padding
            (byte) 0xf8, (byte) 0xff, (byte) 0xfe // an Opus frame (RFC 6716 §3.1: TOC, silence)
        });
        RtpPacket packet = new RtpPacket();
        assertThat(packet.wrap(buf)).isTrue();
        to.onProducerRtp(producer, packet);
        buf.release();
    }

    /** {@code count} packets 20 ms apart from each producer at its level. */
    private void sendFor(int count, Map<Producer, Integer> levels) {
        for (int i = 0; i < count; i++) {
            clock.advanceMillis(20);
            levels.forEach((producer, level) -> send(observers, producer, routerAudioLevelId(producer), level));
        }
    }

    @Test
    void volumesListTheLoudestAboveTheThresholdAndSilenceFollowsOnce() throws Exception {
        AudioLevelObserver observer = observers.createAudioLevelObserver(2, -50, 1000, Map.of());
        observers.addProducer(observer, alice);
        observers.addProducer(observer, bob);

        sendFor(50, Map.of(alice, 30, bob, 10));
        observer.onInterval();
        // Quieter than -50 dBov is left out.
        sendFor(50, Map.of(alice, 60, bob, 20));
        observer.onInterval();
        // Too few packets (under 10 in an interval) say nothing.
        sendFor(9, Map.of(alice, 5));
        observer.onInterval();
        observer.onInterval();

        assertThat(events).containsExactly("volumes [bob=-10, alice=-30]", "volumes [bob=-20]", "silence");
    }

    @Test
    void maxEntriesKeepsTheLoudestAndTiesStayInTheOrderAdded() throws Exception {
        AudioLevelObserver observer = observers.createAudioLevelObserver(1, -127, 250, Map.of());
        observers.addProducer(observer, alice);
        observers.addProducer(observer, bob);

        sendFor(20, Map.of(alice, 25, bob, 25));
        observer.onInterval();

        assertThat(events).containsExactly("volumes [alice=-25]");
    }

    @Test
    void aPacketWithoutTheElementOrUnderAnotherIdIsNoLevel() throws Exception {
        AudioLevelObserver observer = observers.createAudioLevelObserver(1, -127, 250, Map.of());
        observers.addProducer(observer, alice);
        int other = routerAudioLevelId(alice) == 1 ? 2 : 1;

        for (int i = 0; i < 20; i++) {
            send(observers, alice, other, 10);
        }
        observer.onInterval();

        assertThat(events).isEmpty();
    }

    @Test
    void aPausedObserverOrProducerTakesNoLevelsAndAPausedObserverHasHeardSilence() throws Exception {
        AudioLevelObserver observer = observers.createAudioLevelObserver(2, -127, 250, Map.of());
        observers.addProducer(observer, alice);
        observers.addProducer(observer, bob);
        sendFor(20, Map.of(alice, 10, bob, 10));
        observer.onInterval();

        observers.onProducerPaused(bob, true);
        sendFor(20, Map.of(alice, 10, bob, 10));
        observer.onInterval();
        assertThat(observer.pause()).isTrue();
        sendFor(20, Map.of(alice, 10, bob, 10));
        observer.onInterval();
        assertThat(observer.resume()).isTrue();
        observers.onProducerPaused(bob, false);
        sendFor(20, Map.of(alice, 10, bob, 40));
        observer.onInterval();

        assertThat(events).containsExactly("volumes [alice=-10, bob=-10]", "volumes [alice=-10]", "silence",
                "volumes [alice=-10, bob=-40]");
    }

    @Test
    void theActiveSpeakerObserverNamesTheLouderProducer() throws Exception {
        ActiveSpeakerObserver observer = observers.createActiveSpeakerObserver(300, Map.of());
        observers.addProducer(observer, alice);
        observers.addProducer(observer, bob);

        // bob talks in spurts (800 ms at -10 dBov, 200 ms at -80), alice is quiet at -80 dBov.
        for (int spurt = 0; spurt < 3; spurt++) {
            for (int i = 0; i < 50; i++) {
                sendFor(1, Map.of(alice, 80, bob, i < 40 ? 10 : 80));
                if (clock.monotonicMillis() % 300 == 0) {
                    observer.onInterval();
                }
            }
        }

        assertThat(events).containsExactly("dominantspeaker alice", "dominantspeaker bob");
        assertThat(observer.dominantSpeaker()).isSameAs(bob);
    }

    @Test
    void badOptionsAndVideoProducersAreRefusedWithTheFieldAtFault() throws Exception {
        assertThat(catchThrowableOfType(SluiceException.class, () -> observers.createActiveSpeakerObserver(99, Map.of()))
                .field()).isEqualTo("interval");
        assertThat(catchThrowableOfType(SluiceException.class, () -> observers.createAudioLevelObserver(1, 1, 1000,
                Map.of())).field()).isEqualTo("threshold");
        assertThat(catchThrowableOfType(SluiceException.class, () -> observers.createAudioLevelObserver(1, -128, 1000,
                Map.of())).field()).isEqualTo("threshold");
        assertThat(catchThrowableOfType(SluiceException.class, () -> observers.createAudioLevelObserver(0, -80, 1000,
                Map.of())).field()).isEqualTo("max_entries");
        assertThat(catchThrowableOfType(SluiceException.class, () -> observers.createAudioLevelObserver(1, -80, 5001,
                Map.of())).field()).isEqualTo("interval");
        assertThat(observers.all()).isEmpty();

        AudioLevelObserver observer = observers.createAudioLevelObserver(1, -80, 1000, Map.of());
        SluiceException video = catchThrowableOfType(SluiceException.class, () -> observers.addProducer(observer, camera));
        assertThat(video.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
        assertThat(video.field()).isEqualTo("producer_id");
        assertThat(observer.producerIds()).isEmpty();
    }

    @Test
    void aClosedProducerLeavesItsObserversAndAClosedRouterClosesThem() throws Exception {
        RtpObserver observer = onLoop(() -> {
            AudioLevelObserver created = router.observers().createAudioLevelObserver(1, -80, 1000, Map.of());
            router.observers().addProducer(created, alice);
            router.observers().addProducer(created, bob);
            router.observers().addProducer(created, bob);
            return created;
        });
        assertThat(onLoop(observer::producerIds)).containsExactly(alice.id(), bob.id());
        assertThat(onLoop(() -> router.dump().rtpObserverIds())).containsExactly(observer.id());

        onLoop(() -> {
            worker.closeProducer(alice.id());
            return null;
        });
        assertThat(onLoop(observer::producerIds)).containsExactly(bob.id());

        onLoop(() -> {
            worker.closeRouter(router.id());
            return null;
        });
        assertThat(onLoop(() -> router.observers().all())).isEmpty();
        assertThat(onLoop(observer::producerIds)).isEmpty();
    }

    @Test
    void aClosingRouterChoosesNoDominantSpeakerWhileItsProducersClose() throws Exception {
        Producer carol = produce(MediaKind.AUDIO, "audio/opus", 48000, 1004);
        ActiveSpeakerObserver observer = onLoop(() -> {
            ActiveSpeakerObserver created = router.observers().createActiveSpeakerObserver(100, Map.of());
            for (Producer producer : List.of(alice, bob, carol)) {
                router.observers().addProducer(created, producer);
            }
            return created;
        });
        // The worker's own timer: the first decision nominates the first producer added.
        await().atMost(Patience.WAIT).until(() -> onLoop(observer::dominantSpeaker) == alice);

        onLoop(() -> {
            worker.closeRouter(router.id());
            return null;
        });

        assertThat(workerEvents).containsExactly("dominantspeaker alice");
    }

    @Test
    void whenTheDominantProducerClosesTheOthersAreDecidedAmongAtOnce() throws Exception {
        ActiveSpeakerObserver observer = onLoop(() -> {
            ActiveSpeakerObserver created = router.observers().createActiveSpeakerObserver(5000, Map.of());
            router.observers().addProducer(created, alice);
            router.observers().addProducer(created, bob);
            created.onInterval();
            return created;
        });

        onLoop(() -> {
            worker.closeProducer(alice.id());
            return null;
        });

        assertThat(workerEvents).containsExactly("dominantspeaker alice", "dominantspeaker bob");
        assertThat(onLoop(observer::dominantSpeaker)).isSameAs(bob);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }
}
