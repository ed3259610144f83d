package io.sluice.worker.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetAddress;
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
 * The worker's routers in isolation: created from the router's own records, refused without
 * leaving anything behind, closed with one event each; a fake listener records the events and the
 * test clock stands in for time (no NATS, no Redis, no sockets).
 */
class WorkerRoutersTest {

    private static final RtpCodecCapability VP8 =
            new RtpCodecCapability(MediaKind.VIDEO, "video/VP8", null, 90000, null, Map.of(), List.of());
    private static final RtpCodecCapability OPUS =
            new RtpCodecCapability(null, "audio/opus", null, 48000, 2, Map.of(), List.of());

    private final List<String> events = new ArrayList<>();
    private MultiThreadIoEventLoopGroup loops;
    private IoEventLoop loop;
    private Worker worker;

    @BeforeEach
    void startAWorker() {
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = loops.next();
        RtcResources rtc = new RtcResources(null, null, InetAddress.getLoopbackAddress(), "127.0.0.1",
                new PortRange(40000, 65000), TransportMappingListener.NONE,
                new IceTcpGuard(16, 16, java.time.Duration.ofSeconds(5), new TestClock()), EntityLimits.UNLIMITED,
                new LocalPipes());
        worker = new Worker("w", loop, new TestClock(), rtc, new EntityEvents.Ignoring() {
            @Override
            public void routerClosed(Router router, CloseReason reason) {
                events.add("router " + router.id() + " closed " + reason);
            }
        });
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void aRouterOffersTheCapabilitiesOrtcComputesAndDumpsWhatItWasGiven() throws Exception {
        Router router = onLoop(() -> worker.createRouter(List.of(OPUS, VP8), "room", Map.of("a", "1")));

        RouterDump dump = onLoop(router::dump);

        assertThat(router.rtpCapabilities()).isEqualTo(Ortc.generateRouterRtpCapabilities(List.of(OPUS, VP8)));
        assertThat(dump.routerId()).isEqualTo(router.id());
        assertThat(dump.roomId()).isEqualTo("room");
        assertThat(dump.appData()).containsExactly(Map.entry("a", "1"));
        assertThat(dump.rtpCapabilities()).isSameAs(router.rtpCapabilities());
        assertThat(dump.transportIds()).isEmpty();
        assertThat(dump.producerIds()).isEmpty();
        assertThat(dump.consumerIds()).isEmpty();
        assertThat(onLoop(() -> worker.router(router.id()))).isSameAs(router);
    }

    @Test
    void aCodecSluiceCannotRouteRefusesTheRouterAndLeavesNoneBehind() {
        RtpCodecCapability unknown =
                new RtpCodecCapability(MediaKind.VIDEO, "video/H265", null, 90000, null, Map.of(), List.of());

        SluiceException error = refusal(() -> worker.createRouter(List.of(VP8, unknown), "room", Map.of()));

        assertThat(error.code()).isEqualTo(SluiceException.Code.UNSUPPORTED);
        assertThat(error.field()).isEqualTo("media_codecs[1].mime_type");
        assertThat(onLoopUnchecked(() -> worker.routers())).isEmpty();
    }

    @Test
    void aDrainingWorkerRefusesNewRoutersAndKeepsItsOwn() throws Exception {
        Router kept = onLoop(() -> worker.createRouter(List.of(VP8), "room", Map.of()));
        onLoop(() -> {
            worker.drain();
            return null;
        });

        SluiceException error = refusal(() -> worker.createRouter(List.of(VP8), "room", Map.of()));

        assertThat(error.code()).isEqualTo(SluiceException.Code.UNAVAILABLE);
        assertThat(onLoop(() -> List.copyOf(worker.routers()))).containsExactly(kept);
    }

    @Test
    void closingARouterReportsItOnceAndForgetsIt() throws Exception {
        Router router = onLoop(() -> worker.createRouter(List.of(VP8), "room", Map.of()));

        onLoop(() -> {
            worker.closeRouter(router.id());
            return null;
        });

        assertThat(events).containsExactly("router " + router.id() + " closed REQUESTED");
        assertThat(router.closed()).isTrue();
        assertThat(refusal(() -> worker.router(router.id())).code()).isEqualTo(SluiceException.Code.NOT_FOUND);
        assertThat(refusal(() -> {
            worker.closeRouter(router.id());
            return null;
        }).code()).isEqualTo(SluiceException.Code.NOT_FOUND);
        assertThat(events).hasSize(1);
    }

    private SluiceException refusal(Callable<?> task) {
        ExecutionException failed = catchThrowableOfType(ExecutionException.class, () -> onLoop(task));
        assertThat(failed).as("the request is refused").isNotNull();
        assertThat(failed.getCause()).isInstanceOf(SluiceException.class);
        return (SluiceException) failed.getCause();
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoopUnchecked(Callable<T> task) {
        try {
            return onLoop(task);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
