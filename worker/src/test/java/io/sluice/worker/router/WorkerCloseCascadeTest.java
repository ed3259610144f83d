package io.sluice.worker.router;

import io.sluice.worker.control.mapping.RtpParametersMapper;
import io.sluice.worker.testsupport.ApiOrtc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Future;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.NetChannels;
import io.sluice.worker.net.PortRange;
import io.sluice.worker.testsupport.TestClock;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's ownership tree and its close cascade, on a real loop with plain transports bound on
 * loopback, the events and mappings recorded by fake listeners (no NATS, no Redis).
 */
class WorkerCloseCascadeTest {

    private static final int TRANSPORTS = 8;

    /** What the entities reported, one line each: "consumer c-1 closed ROUTER_CLOSED". */
    private static final class RecordingEvents extends EntityEvents.Ignoring {
        final List<String> lines = new ArrayList<>();

        @Override
        public void routerClosed(Router router, CloseReason reason) {
            lines.add("router " + router.id() + " closed " + reason);
        }

        @Override
        public void transportClosed(Transport transport, CloseReason reason) {
            lines.add("transport " + transport.id() + " closed " + reason);
        }

        @Override
        public void producerClosed(Producer producer, CloseReason reason) {
            lines.add("producer " + producer.id() + " closed " + reason);
        }

        @Override
        public void consumerProducerClosed(Consumer consumer) {
            lines.add("consumer " + consumer.id() + " producerclose");
        }

        @Override
        public void consumerClosed(Consumer consumer, CloseReason reason) {
            lines.add("consumer " + consumer.id() + " closed " + reason);
        }

        List<String> about(String entity) {
            return lines.stream().filter(line -> line.startsWith(entity + " ")).toList();
        }
    }

    private static final class RecordingMappings implements TransportMappingListener {
        final List<String> live = new ArrayList<>();

        @Override
        public void transportCreated(String transportId, String workerId, Router router, String userId) {
            live.add(transportId);
        }

        @Override
        public void transportClosed(String transportId) {
            live.remove(transportId);
        }
    }

    private final RecordingEvents events = new RecordingEvents();
    private final RecordingMappings mappings = new RecordingMappings();
    private MultiThreadIoEventLoopGroup loops;
    private IoEventLoop loop;
    private Worker worker;
    private Router router;
    private final List<PlainTransport> transports = new ArrayList<>();
    private final List<Producer> producers = new ArrayList<>();
    private final List<Consumer> consumers = new ArrayList<>();

    @BeforeEach
    void buildATree() throws Exception {
        loops = new MultiThreadIoEventLoopGroup(1, NetChannels.ioHandlerFactory());
        loop = loops.next();
        RtcResources rtc = new RtcResources(null, null, InetAddress.getLoopbackAddress(), "127.0.0.1",
                new PortRange(40000, 65000), mappings,
                new IceTcpGuard(16, 16, java.time.Duration.ofSeconds(5), new TestClock()), EntityLimits.UNLIMITED,
                new LocalPipes());
        worker = new Worker("w", loop, new TestClock(), rtc, events);
        router = onLoop(() -> worker.createRouter(RtpParametersMapper.mediaCodecs(List.of(RtpCodecCapability.newBuilder()
                .setKind(MediaKind.VIDEO).setMimeType("video/VP8").setClockRate(90000).build())), "room",
                Map.of()));
        // Every transport sends one producer and receives every other transport's: closing a
        // producer first would close consumers of other transports as PRODUCER_CLOSED.
        for (int i = 0; i < TRANSPORTS; i++) {
            transports.add(plainTransport());
        }
        for (int i = 0; i < TRANSPORTS; i++) {
            producers.add(produce(transports.get(i), 1000 + i));
        }
        for (int i = 0; i < TRANSPORTS; i++) {
            for (int j = 0; j < TRANSPORTS; j++) {
                if (i != j) {
                    consumers.add(consume(transports.get(i), producers.get(j)));
                }
            }
        }
    }

    @AfterEach
    void stop() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void aRouterClosesItsConsumersAsRouterClosedNeverAsProducerClosed() throws Exception {
        onLoop(() -> {
            worker.closeRouter(router.id());
            return null;
        });

        assertThat(events.about("consumer")).hasSize(consumers.size())
                .allSatisfy(line -> assertThat(line).endsWith(" closed ROUTER_CLOSED"));
        assertThat(events.about("producer")).hasSize(TRANSPORTS)
                .allSatisfy(line -> assertThat(line).endsWith(" closed ROUTER_CLOSED"));
        assertThat(events.about("transport")).hasSize(TRANSPORTS)
                .allSatisfy(line -> assertThat(line).endsWith(" closed ROUTER_CLOSED"));
        assertThat(events.lines).last().isEqualTo("router " + router.id() + " closed REQUESTED");
        assertThat(mappings.live).isEmpty();
        assertThat(router.closed()).isTrue();
        assertThat(onLoop(() -> List.of(worker.transportCount(), worker.producerCount(), worker.consumerCount(),
                worker.routers().size()))).containsOnly(0);
    }

    @Test
    void closingTheWorkerClosesTransportsAsWorkerClosedAndTheirMediaAsRouterClosed() throws Exception {
        onLoop(() -> {
            worker.closeAllRouters();
            return null;
        });

        assertThat(events.about("consumer")).allSatisfy(line -> assertThat(line).endsWith(" closed ROUTER_CLOSED"));
        assertThat(events.about("producer")).allSatisfy(line -> assertThat(line).endsWith(" closed ROUTER_CLOSED"));
        assertThat(events.about("transport")).hasSize(TRANSPORTS)
                .allSatisfy(line -> assertThat(line).endsWith(" closed WORKER_CLOSED"));
        assertThat(events.lines).last().isEqualTo("router " + router.id() + " closed WORKER_CLOSED");
    }

    @Test
    void aTransportClosesItsOwnMediaAsTransportClosedAndOthersConsumersOfItsProducerAsProducerClosed()
            throws Exception {
        PlainTransport closing = transports.get(0);
        onLoop(() -> {
            worker.closeTransport(closing.id());
            return null;
        });

        List<String> expected = new ArrayList<>();
        for (Consumer consumer : consumers) {
            if (consumer.transport() == closing) {
                expected.add("consumer " + consumer.id() + " closed TRANSPORT_CLOSED");
            }
        }
        for (Consumer consumer : consumers) {
            if (consumer.producer() == producers.get(0)) {
                expected.add("consumer " + consumer.id() + " producerclose");
                expected.add("consumer " + consumer.id() + " closed PRODUCER_CLOSED");
            }
        }
        expected.add("producer " + producers.get(0).id() + " closed TRANSPORT_CLOSED");
        expected.add("transport " + closing.id() + " closed REQUESTED");
        assertThat(events.lines).containsExactlyElementsOf(expected);
        assertThat(mappings.live).hasSize(TRANSPORTS - 1).doesNotContain(closing.id());
        assertThat(closing.closed()).isTrue();
        assertThat(onLoop(() -> router.transports().size())).isEqualTo(TRANSPORTS - 1);
        assertThat(onLoop(() -> worker.consumerCount())).isEqualTo(consumers.size() - 2 * (TRANSPORTS - 1));
        assertThatThrownBy(() -> onLoop(() -> worker.transport(closing.id())))
                .hasRootCauseInstanceOf(SluiceException.class).rootCause().hasMessage("transport not found: "
                        + closing.id());
    }

    @Test
    void aProducerClosesItsConsumersFirstAndStaysOwnedByNoOne() throws Exception {
        Producer closing = producers.get(3);
        onLoop(() -> {
            worker.closeProducer(closing.id());
            return null;
        });

        List<String> expected = new ArrayList<>();
        for (Consumer consumer : consumers) {
            if (consumer.producer() == closing) {
                expected.add("consumer " + consumer.id() + " producerclose");
                expected.add("consumer " + consumer.id() + " closed PRODUCER_CLOSED");
            }
        }
        expected.add("producer " + closing.id() + " closed REQUESTED");
        assertThat(events.lines).containsExactlyElementsOf(expected);
        assertThat(onLoop(() -> worker.producerIds(transports.get(3)))).doesNotContain(closing.id());
        assertThat(onLoop(() -> router.dump().producerIds())).hasSize(TRANSPORTS - 1)
                .doesNotContain(closing.id());
    }

    @Test
    void aPlainTransportIsFoundAsATransportButNotAsAWebRtcOne() throws Exception {
        PlainTransport plain = transports.get(1);

        assertThat(onLoop(() -> worker.transport(plain.id()))).isSameAs(plain);
        assertThat(onLoop(() -> worker.plainTransport(plain.id()))).isSameAs(plain);
        assertThatThrownBy(() -> onLoop(() -> worker.webRtcTransport(plain.id())))
                .rootCause().hasMessage("transport not found: " + plain.id());
        assertThat(onLoop(() -> router.dump().transportIds()))
                .containsExactlyElementsOf(transports.stream().map(Transport::id).toList());
    }

    private PlainTransport plainTransport() throws Exception {
        Future<PlainTransport> created = onLoop(() -> worker.createPlainTransport(router,
                new PlainTransportOptions(new ListenInfo(null, "127.0.0.1", "", 0, null), null, true, true, null,
                        "user", Map.of())));
        return created.get(10, TimeUnit.SECONDS);
    }

    private Producer produce(PlainTransport transport, int ssrc) throws Exception {
        return onLoop(() -> worker.produce(transport.id(), ApiOrtc.domain(MediaKind.VIDEO),
                ApiOrtc.domain(RtpParameters.newBuilder()
                        .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(96)
                                .setClockRate(90000))
                        .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                        .setRtcp(RtcpParameters.newBuilder().setCname("cascade"))
                        .build()),
                false, Map.of()));
    }

    private Consumer consume(PlainTransport transport, Producer producer) throws Exception {
        return onLoop(() -> worker.consume(transport.id(), producer.id(), router.rtpCapabilities(), null, false,
                Map.of()));
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get(10, TimeUnit.SECONDS);
    }
}
