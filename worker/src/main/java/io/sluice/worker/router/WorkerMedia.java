package io.sluice.worker.router;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.api.v1.ConsumerClosed;
import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerLayersChanged;
import io.sluice.api.v1.ConsumerProducerClosed;
import io.sluice.api.v1.ConsumerProducerPaused;
import io.sluice.api.v1.ConsumerProducerResumed;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportDumpResponse;
import io.sluice.api.v1.ProducerClosed;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportClosed;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.worker.SluiceException;
import io.sluice.worker.bwe.TransportCongestionControlServer;
import io.sluice.worker.control.EventPublisher;
import io.sluice.worker.net.SocketBinder;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.registry.TransportMappings;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media entities of one worker: plain transports, producers and consumers by id, and the
 * media side of every transport that has any. It creates them (checking everything before anything
 * exists, so a refused request leaves nothing behind) and closes them in order: a producer's
 * consumers before it, a transport's producers and consumers before it. On the worker's loop.
 */
public final class WorkerMedia {

    private static final Logger log = LoggerFactory.getLogger(WorkerMedia.class);

    private final EventLoop loop;
    private final EventPublisher events;
    private final RtcResources resources;
    private final String workerId;
    private final Function<String, WebRtcTransport> webRtcTransports;
    private final Clock clock;
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final RandomGenerator random = new SecureRandom();
    private final Map<String, PlainTransport> plainTransports = new HashMap<>();
    private final Map<String, Producer> producers = new HashMap<>();
    private final Map<String, Consumer> consumers = new HashMap<>();
    private final Map<String, TransportMedia> transportMedia = new HashMap<>();
    /** Runs the producers' NACK retries while any producer exists (a stream may fall silent). */
    private io.netty.util.concurrent.ScheduledFuture<?> nackTimer;

    /** How often NACK retries are checked when no packet arrives to trigger them. */
    static final long NACK_TIMER_INTERVAL_MS = 20;

    /**
     * @param webRtcTransports the worker's live WebRTC transport by id, or null
     * @param clock            the media timers' monotonic time and the NTP time of sender reports
     */
    public WorkerMedia(String workerId, EventLoop loop, EventPublisher events, RtcResources resources,
            Function<String, WebRtcTransport> webRtcTransports, Clock clock) {
        this.workerId = workerId;
        this.loop = loop;
        this.clock = clock;
        this.events = events;
        this.resources = resources;
        this.webRtcTransports = webRtcTransports;
    }

    public int plainTransportCount() {
        return plainTransports.size();
    }

    public int producerCount() {
        return producers.size();
    }

    public int consumerCount() {
        return consumers.size();
    }

    /** The router's media graph, made on first use. */
    public RouterMedia routerMedia(Router router) {
        RouterMedia media = router.media();
        if (media == null) {
            media = new RouterMedia(this, router);
            router.attachMedia(media);
        }
        return media;
    }

    // ---- plain transports ----

    /** router.createPlainTransport: binds its port(s); nothing is kept if one fails. */
    public Future<PlainTransport> createPlainTransport(Router router, RouterCreatePlainTransportRequest request)
            throws SluiceException {
        assert loop.inEventLoop();
        boolean rtcpMux = !request.hasRtcpMux() || request.getRtcpMux();
        ListenInfos.Resolved rtpInfo = resolveUdp(request.getListenInfo(), "listen_info");
        ListenInfos.Resolved rtcpInfo = rtcpMux ? null : resolveUdp(
                request.hasRtcpListenInfo() ? request.getRtcpListenInfo()
                        : TransportListenInfo.newBuilder().setIp(rtpInfo.ip().getHostAddress()).build(),
                "rtcp_listen_info");
        SrtpProfile profile = request.getEnableSrtp()
                ? PlainSrtp.profile(request.getSrtpCryptoSuite(), "srtp_crypto_suite") : null;
        PlainTransport transport = new PlainTransport(UUID.randomUUID().toString(), router, request.getAppData(), loop,
                events, rtcpMux, request.getComedia(), profile, profile == null ? null : PlainSrtp.newKeyAndSalt(profile));
        Promise<PlainTransport> created = loop.newPromise();
        SocketBinder binder = new SocketBinder(loop);
        UdpRtcSocket.Handler rtpHandler = UdpRtcSocket.handler(transport);
        binder.bindUdp(rtpInfo.ip(), rtpInfo.port(), rtpInfo.range(), rtpHandler).addListener((Future<Channel> rtp) -> {
            if (!rtp.isSuccess()) {
                created.setFailure(new SluiceException(ErrorCode.RESOURCE_EXHAUSTED,
                        "listen_info: " + rtp.cause().getMessage()));
                return;
            }
            if (rtcpInfo == null) {
                finishPlainTransport(router, transport, request.getUserId(), rtpHandler, null, created);
                return;
            }
            UdpRtcSocket.Handler rtcpHandler = UdpRtcSocket.handler(transport);
            binder.bindUdp(rtcpInfo.ip(), rtcpInfo.port(), rtcpInfo.range(), rtcpHandler).addListener(
                    (Future<Channel> rtcp) -> {
                        if (!rtcp.isSuccess()) {
                            rtp.getNow().close();
                            created.setFailure(new SluiceException(ErrorCode.RESOURCE_EXHAUSTED,
                                    "rtcp_listen_info: " + rtcp.cause().getMessage()));
                            return;
                        }
                        finishPlainTransport(router, transport, request.getUserId(), rtpHandler, rtcpHandler,
                                created);
                    });
        });
        return created;
    }

    private ListenInfos.Resolved resolveUdp(TransportListenInfo info, String field) throws SluiceException {
        if (info.getProtocol() == TransportProtocol.TCP) {
            throw SluiceException.unsupported(field + ".protocol", "plain transports are UDP only");
        }
        return ListenInfos.resolve(List.of(info.toBuilder().setProtocol(TransportProtocol.UDP).build()),
                true, false, resources, field).get(0);
    }

    private void finishPlainTransport(Router router, PlainTransport transport, String userId, UdpRtcSocket.Handler rtp,
            UdpRtcSocket.Handler rtcp, Promise<PlainTransport> created) {
        transport.attachSockets(rtp.socket(), rtcp == null ? null : rtcp.socket());
        if (router.closed()) {
            transport.attachSockets(null, null);
            rtp.socket().close();
            if (rtcp != null) {
                rtcp.socket().close();
            }
            created.setFailure(SluiceException.notFound("router", router.id()));
            return;
        }
        plainTransports.put(transport.id(), transport);
        routerMedia(router).addPlainTransport(transport);
        transport.attachMedia(media(transport));
        transport.onClosed(closed -> {
            plainTransports.remove(closed.id());
            routerMedia(closed.router()).removePlainTransport(closed);
            resources.registry().removeTransport(closed.id()).whenComplete((removed, failure) -> {
                if (failure != null) {
                    log.debug("plain transport {}: Redis mapping not removed now ({}); the sweep removes it",
                            closed.id(), failure.toString());
                }
            });
        });
        // The same user-to-transport mapping as a WebRTC transport's, written in the background.
        resources.registry().putTransport(new TransportMappings.Mapping(transport.id(), workerId, router.id(),
                router.roomId(), userId)).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        log.warn("plain transport {}: Redis mapping not written ({})", transport.id(), failure.toString());
                    }
                });
        created.setSuccess(transport);
    }

    public boolean hasPlainTransport(String transportId) {
        return plainTransports.containsKey(transportId);
    }

    public PlainTransport plainTransport(String transportId) throws SluiceException {
        assert loop.inEventLoop();
        PlainTransport transport = plainTransports.get(transportId);
        if (transport == null) {
            throw SluiceException.notFound("plain transport", transportId);
        }
        return transport;
    }

    public void closePlainTransport(String transportId) throws SluiceException {
        PlainTransport transport = plainTransport(transportId);
        closeTransportMedia(transport, ProducerClosed.Reason.TRANSPORT_CLOSED, ConsumerClosed.Reason.TRANSPORT_CLOSED);
        transport.close(TransportClosed.Reason.REQUESTED);
    }

    public PlainTransportDumpResponse dumpPlainTransport(String transportId) throws SluiceException {
        PlainTransport transport = plainTransport(transportId);
        TransportMedia media = media(transport);
        return transport.dump()
                .addAllProducerIds(media.producers().stream().map(Producer::id).toList())
                .addAllConsumerIds(media.consumers().stream().map(Consumer::id).toList())
                .build();
    }

    /** A WebRTC or plain transport by id, or NOT_FOUND. */
    public MediaTransport transport(String transportId) throws SluiceException {
        PlainTransport plain = plainTransports.get(transportId);
        if (plain != null) {
            return plain;
        }
        WebRtcTransport webRtc = webRtcTransports.apply(transportId);
        if (webRtc == null) {
            throw SluiceException.notFound("transport", transportId);
        }
        return webRtc;
    }

    private TransportMedia media(MediaTransport transport) {
        return transportMedia.computeIfAbsent(transport.id(), id -> {
            TransportMedia media = new TransportMedia(transport);
            if (transport instanceof WebRtcTransport webRtc) {
                webRtc.setMediaListener(media);
            }
            long localSsrc = random.nextLong() & 0xFFFFFFFFL;
            RtcpScheduler reports = new RtcpScheduler(media, clock, allocator,
                    localSsrc, transport.id(), scores);
            media.setCongestionControlServer(new TransportCongestionControlServer(transport, allocator, localSsrc), clock);
            media.setRtcpScheduler(reports);
            reports.start(loop, random);
            return media;
        });
    }

    /** The ids of a transport's producers and consumers, for its dump. */
    public List<String> producerIds(String transportId) {
        TransportMedia media = transportMedia.get(transportId);
        return media == null ? List.of() : media.producers().stream().map(Producer::id).toList();
    }

    public List<String> consumerIds(String transportId) {
        TransportMedia media = transportMedia.get(transportId);
        return media == null ? List.of() : media.consumers().stream().map(Consumer::id).toList();
    }

    /** A WebRTC transport closed (the worker calls this): its producers and consumers close with it. */
    public void onWebRtcTransportClosed(WebRtcTransport transport) {
        closeTransportMedia(transport, ProducerClosed.Reason.TRANSPORT_CLOSED, ConsumerClosed.Reason.TRANSPORT_CLOSED);
    }

    private void closeTransportMedia(MediaTransport transport, ProducerClosed.Reason producerReason,
            ConsumerClosed.Reason consumerReason) {
        TransportMedia media = transportMedia.remove(transport.id());
        if (media == null) {
            return;
        }
        media.rtcpScheduler().stop();
        for (Consumer consumer : List.copyOf(media.consumers())) {
            closeConsumer(consumer, consumerReason);
        }
        for (Producer producer : List.copyOf(media.producers())) {
            closeProducer(producer, producerReason, media);
        }
    }

    void closeRouterMedia(RouterMedia routerMedia) {
        Router router = routerMedia.router();
        for (String transportId : List.copyOf(transportMedia.keySet())) {
            TransportMedia media = transportMedia.get(transportId);
            if (media != null && media.transport().router() == router) {
                closeTransportMedia(media.transport(), ProducerClosed.Reason.ROUTER_CLOSED,
                        ConsumerClosed.Reason.ROUTER_CLOSED);
            }
        }
        for (PlainTransport transport : List.copyOf(routerMedia.plainTransports())) {
            transport.close(TransportClosed.Reason.ROUTER_CLOSED);
        }
    }

    // ---- producers ----

    /**
     * transport.produce: validates the parameters and maps them onto the router before anything
     * is created; a refusal leaves no producer behind.
     */
    public Producer produce(TransportProduceRequest request) throws SluiceException {
        assert loop.inEventLoop();
        MediaTransport transport = transport(request.getTransportId());
        Router router = transport.router();
        MediaKind kind = request.getKind();
        if (kind != MediaKind.AUDIO && kind != MediaKind.VIDEO) {
            throw SluiceException.invalid("kind", "kind must be AUDIO or VIDEO");
        }
        RtpParameters parameters = Ortc.validateRtpParameters(request.getRtpParameters());
        String prefix = kind == MediaKind.AUDIO ? "audio/" : "video/";
        for (int i = 0; i < parameters.getCodecsCount(); i++) {
            RtpCodecParameters codec = parameters.getCodecs(i);
            if (!codec.getMimeType().toLowerCase(java.util.Locale.ROOT).startsWith(prefix)) {
                throw SluiceException.invalid("rtp_parameters.codecs[" + i + "].mime_type",
                        codec.getMimeType() + " is not a " + prefix + " codec");
            }
        }
        TransportMedia media = media(transport);
        for (int i = 0; i < parameters.getEncodingsCount(); i++) {
            RtpEncodingParameters encoding = parameters.getEncodings(i);
            if (encoding.hasSsrc() && media.receivesSsrc(Integer.toUnsignedLong(encoding.getSsrc()))) {
                throw new SluiceException(ErrorCode.ALREADY_EXISTS, "ssrc " + Integer.toUnsignedString(encoding.getSsrc())
                        + " is already received by another producer of this transport",
                        "rtp_parameters.encodings[" + i + "].ssrc");
            }
        }
        RtpMapping mapping = Ortc.getProducerRtpParametersMapping(parameters, router.rtpCapabilities(), random);
        RtpParameters consumable = Ortc.getConsumableRtpParameters(kind, parameters, router.rtpCapabilities(), mapping);
        RouterMedia routerMedia = routerMedia(router);
        Producer producer = new Producer(UUID.randomUUID().toString(), kind, transport, parameters, mapping,
                consumable, request.getPaused(), request.getAppData(), routerMedia, clock,
                allocator);
        producers.put(producer.id(), producer);
        if (nackTimer == null) {
            nackTimer = loop.scheduleAtFixedRate(this::onNackTimer, NACK_TIMER_INTERVAL_MS, NACK_TIMER_INTERVAL_MS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        routerMedia.addProducer(producer);
        media.addProducer(producer);
        return producer;
    }

    private void onNackTimer() {
        for (Producer producer : producers.values()) {
            producer.onNackTimer();
            producer.onActivityTimer();
            producer.onKeyFrameRequestTimer();
        }
        long now = clock.monotonicMillis();
        for (TransportMedia media : transportMedia.values()) {
            media.congestionControlServer().onTimer(now);
        }
    }

    public Producer producer(String producerId) throws SluiceException {
        assert loop.inEventLoop();
        Producer producer = producers.get(producerId);
        if (producer == null) {
            throw SluiceException.notFound("producer", producerId);
        }
        return producer;
    }

    public void closeProducer(String producerId) throws SluiceException {
        Producer producer = producer(producerId);
        closeProducer(producer, ProducerClosed.Reason.REQUESTED, transportMedia.get(producer.transport().id()));
    }

    /** Closes the producer's consumers ("producerclose", then "closed"), then the producer ("closed"). */
    private void closeProducer(Producer producer, ProducerClosed.Reason reason, TransportMedia media) {
        if (producers.remove(producer.id()) == null) {
            return;
        }
        if (producers.isEmpty() && nackTimer != null) {
            nackTimer.cancel(false);
            nackTimer = null;
        }
        RouterMedia routerMedia = routerMedia(producer.transport().router());
        for (Consumer consumer : routerMedia.consumersOf(producer)) {
            events.emit(routerId(consumer), "consumer", consumer.id(), "producerclose",
                    Event.newBuilder().setConsumerProducerClosed(ConsumerProducerClosed.getDefaultInstance()));
            closeConsumer(consumer, ConsumerClosed.Reason.PRODUCER_CLOSED);
        }
        routerMedia.removeProducer(producer);
        if (media != null) {
            media.removeProducer(producer);
        }
        events.emit(producer.transport().router().id(), "producer", producer.id(), "closed",
                Event.newBuilder().setProducerClosed(ProducerClosed.newBuilder().setReason(reason)));
    }

    public io.sluice.api.v1.ProducerDumpResponse dumpProducer(String producerId) throws SluiceException {
        Producer producer = producer(producerId);
        return producer.dump()
                .addAllConsumerIds(routerMedia(producer.transport().router()).consumersOf(producer).stream()
                        .map(Consumer::id).toList())
                .build();
    }

    public io.sluice.api.v1.ProducerStats producerStats(String producerId, long nowMs) throws SluiceException {
        return producer(producerId).stats(nowMs);
    }

    // ---- consumers ----

    /** router.canConsume */
    public boolean canConsume(Router router, String producerId, RtpCapabilities capabilities) throws SluiceException {
        Producer producer = producer(producerId);
        if (producer.transport().router() != router) {
            throw SluiceException.notFound("producer", producerId);
        }
        return Ortc.canConsume(producer.consumableRtpParameters(), capabilities);
    }

    /** transport.consume: parameters are negotiated before anything is created. */
    public Consumer consume(TransportConsumeRequest request) throws SluiceException {
        assert loop.inEventLoop();
        MediaTransport transport = transport(request.getTransportId());
        Producer producer = producers.get(request.getProducerId());
        if (producer == null || producer.transport().router() != transport.router()) {
            throw SluiceException.notFound("producer", request.getProducerId());
        }
        if (!request.hasRtpCapabilities()) {
            throw SluiceException.invalid("rtp_capabilities", "rtp_capabilities are required");
        }
        RtpParameters consumable = producer.consumableRtpParameters();
        if (!Ortc.canConsume(consumable, request.getRtpCapabilities())) {
            throw SluiceException.unsupported("rtp_capabilities",
                    "the endpoint cannot receive any media codec of producer " + producer.id());
        }
        // RTX and NACK are offered: the consumer answers NACKs from its retransmission buffer.
        RtpParameters parameters = Ortc.getConsumerRtpParameters(consumable, request.getRtpCapabilities(), false,
                true, random);
        String id = UUID.randomUUID().toString();
        ConsumerLayers preferred = request.hasPreferredLayers() ? request.getPreferredLayers() : null;
        // mediasoup: the consumer's type is its producer's.
        Consumer consumer = switch (producer.type()) {
            case SIMPLE -> new SimpleConsumer(id, producer, transport, parameters, request.getPaused(),
                    request.getAppData(), clock, allocator);
            case SIMULCAST -> new SimulcastConsumer(id, producer, transport, parameters, request.getPaused(),
                    request.getAppData(), clock, allocator, preferred);
            case SVC -> new SvcConsumer(id, producer, transport, parameters, request.getPaused(),
                    request.getAppData(), clock, allocator, preferred);
        };
        if (consumer instanceof LayeredConsumer layered) {
            layered.setLayersListener(this::emitLayersChanged);
        }
        consumers.put(consumer.id(), consumer);
        routerMedia(transport.router()).addConsumer(consumer);
        media(transport).addConsumer(consumer);
        return consumer;
    }

    public Consumer consumer(String consumerId) throws SluiceException {
        assert loop.inEventLoop();
        Consumer consumer = consumers.get(consumerId);
        if (consumer == null) {
            throw SluiceException.notFound("consumer", consumerId);
        }
        return consumer;
    }

    public void closeConsumer(String consumerId) throws SluiceException {
        closeConsumer(consumer(consumerId), ConsumerClosed.Reason.REQUESTED);
    }

    private void closeConsumer(Consumer consumer, ConsumerClosed.Reason reason) {
        if (consumers.remove(consumer.id()) == null) {
            return;
        }
        routerMedia(consumer.transport().router()).removeConsumer(consumer);
        consumer.close();
        TransportMedia media = transportMedia.get(consumer.transport().id());
        if (media != null) {
            media.removeConsumer(consumer);
        }
        events.emit(routerId(consumer), "consumer", consumer.id(), "closed",
                Event.newBuilder().setConsumerClosed(ConsumerClosed.newBuilder().setReason(reason)));
    }

    public io.sluice.api.v1.ConsumerDumpResponse dumpConsumer(String consumerId) throws SluiceException {
        return consumer(consumerId).dump();
    }

    public io.sluice.api.v1.ConsumerStats consumerStats(String consumerId, long nowMs) throws SluiceException {
        return consumer(consumerId).stats(nowMs);
    }

    /** Producer and consumer score changes become "score" events; a producer's reach its consumers too. */
    private final RtcpScheduler.ScoreListener scores = new RtcpScheduler.ScoreListener() {
        @Override
        public void onProducerScore(Producer producer) {
            if (!producers.containsKey(producer.id())) {
                return;
            }
            events.emit(producer.transport().router().id(), "producer", producer.id(), "score",
                    Event.newBuilder().setProducerScore(RtpStreamStatsWriter.producerScore(producer)));
            for (Consumer consumer : routerMedia(producer.transport().router()).consumersOf(producer)) {
                onConsumerScore(consumer);
            }
        }

        @Override
        public void onConsumerScore(Consumer consumer) {
            if (!consumers.containsKey(consumer.id())) {
                return;
            }
            events.emit(routerId(consumer), "consumer", consumer.id(), "score",
                    Event.newBuilder().setConsumerScore(RtpStreamStatsWriter.consumerScore(consumer)));
        }
    };

    /** "layerschange": the layers a simulcast or SVC consumer forwards now (unset: none). */
    private void emitLayersChanged(LayeredConsumer consumer) {
        if (!consumers.containsKey(consumer.id())) {
            return;
        }
        ConsumerLayersChanged.Builder changed = ConsumerLayersChanged.newBuilder();
        ConsumerLayers current = consumer.currentLayers();
        if (current != null) {
            changed.setLayers(current);
        }
        events.emit(routerId(consumer), "consumer", consumer.id(), "layerschange",
                Event.newBuilder().setConsumerLayersChanged(changed));
    }

    /**
     * consumer.setPreferredLayers: FAILED_PRECONDITION for a simple consumer; answers the layers
     * in effect after clamping to the producer's.
     */
    public ConsumerLayers setPreferredLayers(String consumerId, ConsumerLayers preferred) throws SluiceException {
        Consumer consumer = consumer(consumerId);
        if (!(consumer instanceof LayeredConsumer layered)) {
            throw new SluiceException(ErrorCode.FAILED_PRECONDITION, "consumer " + consumerId + " is of type "
                    + consumer.type() + "; only simulcast and svc consumers have layers", "consumer_id");
        }
        return layered.setPreferredLayers(preferred);
    }

    void emitProducerPaused(Consumer consumer) {
        events.emit(routerId(consumer), "consumer", consumer.id(), "producerpause",
                Event.newBuilder().setConsumerProducerPaused(ConsumerProducerPaused.getDefaultInstance()));
    }

    void emitProducerResumed(Consumer consumer) {
        events.emit(routerId(consumer), "consumer", consumer.id(), "producerresume",
                Event.newBuilder().setConsumerProducerResumed(ConsumerProducerResumed.getDefaultInstance()));
    }

    private static String routerId(Consumer consumer) {
        return consumer.transport().router().id();
    }
}
