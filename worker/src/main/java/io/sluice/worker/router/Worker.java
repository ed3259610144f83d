package io.sluice.worker.router;

import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.stats.ConsumerStatsSnapshot;
import io.sluice.worker.router.stats.ProducerStatsSnapshot;
import io.sluice.worker.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One worker, as a mediasoup worker: one event loop and the entities living on it, in one
 * ownership tree. The worker owns its routers and WebRTC servers; a router owns its transports; a
 * transport owns its producers and consumers ({@link TransportMedia}). The worker also keeps id
 * indexes of transports, producers and consumers, for lookup only, and it is the one place where
 * closing cascades down the tree, so every close reason is decided by the entity that closed
 * first. Everything runs on {@link #loop()}: the control plane hands requests to it as tasks.
 * What happens is reported to {@link EntityEvents}; transport mappings to a
 * {@link TransportMappingListener}.
 */
public final class Worker {

    /** How often NACK retries are checked when no packet arrives to trigger them. */
    static final long NACK_TIMER_INTERVAL_MS = 20;

    private final String id;
    private final IoEventLoop loop;
    private final RtcResources rtc;
    private final EntityEvents events;
    private final Clock clock;
    private final Map<String, Router> routers = new LinkedHashMap<>();
    /** Written on the loop only; volatile so that the process can see a drain without a loop task. */
    private volatile boolean draining;
    private int bindingTransports;
    private final Map<String, WebRtcServer> webRtcServers = new LinkedHashMap<>();
    private final Map<String, Transport> transportIndex = new HashMap<>();
    private final ProducerIndex producerIndex = new ProducerIndex();
    private final Map<String, Consumer> consumerIndex = new HashMap<>();
    private final WebRtcTransportFactory webRtcTransports;
    private final PlainTransportFactory plainTransports;
    private final PipeTransportFactory pipeTransports;
    private final ProducerConsumerFactory media;
    private final WorkerData data;
    /** Runs the producers' NACK retries while any producer exists (a stream may fall silent). */
    private ScheduledFuture<?> producerTimer;

    /**
     * @param clock the media timers' monotonic time and the NTP time of sender reports
     * @param rtc   what the process's transports share; null for a worker that makes no transports
     */
    public Worker(String id, IoEventLoop loop, Clock clock, RtcResources rtc, EntityEvents events) {
        this.id = id;
        this.loop = loop;
        this.rtc = rtc;
        this.events = events;
        this.clock = clock;
        this.webRtcTransports = new WebRtcTransportFactory(loop, events, rtc, clock);
        this.plainTransports = new PlainTransportFactory(loop, rtc, clock);
        this.pipeTransports = new PipeTransportFactory(loop, rtc == null ? new LocalPipes() : rtc.localPipes(), clock);
        this.media = new ProducerConsumerFactory(loop, clock, scores, this::onLayersChanged);
        this.data = new WorkerData(events);
    }

    public String id() {
        return id;
    }

    /** Its data producers and data consumers; on the loop. */
    public WorkerData data() {
        assert loop.inEventLoop();
        return data;
    }

    /** The loop that owns this worker; every entity of the worker runs on it. */
    public IoEventLoop loop() {
        return loop;
    }

    // ---- routers ----

    /**
     * Creates a router offering {@code mediaCodecs}. The capabilities are computed first, so a
     * codec Sluice does not support fails the request before anything exists.
     */
    public Router createRouter(List<RtpCodecCapability> mediaCodecs, String roomId, Map<String, String> appData)
            throws SluiceException {
        assert loop.inEventLoop();
        if (draining) {
            throw new SluiceException(SluiceException.Code.UNAVAILABLE,
                    "worker " + id + " is draining: it takes no new routers");
        }
        limits().checkRouters(id, routers.size());
        RtpCapabilities capabilities = Ortc.generateRouterRtpCapabilities(mediaCodecs);
        Router router = new Router(UUID.randomUUID().toString(), roomId, appData, capabilities, loop, clock, events);
        routers.put(router.id(), router);
        return router;
    }

    /** From now on refuses new routers (worker.drain, SIGTERM); the ones it has live on. */
    public void drain() {
        assert loop.inEventLoop();
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /** The live router with this id, or {@code NOT_FOUND}. */
    public Router router(String routerId) throws SluiceException {
        assert loop.inEventLoop();
        Router router = routers.get(routerId);
        if (router == null) {
            throw SluiceException.notFound("router", routerId);
        }
        return router;
    }

    public Collection<Router> routers() {
        assert loop.inEventLoop();
        return Collections.unmodifiableCollection(routers.values());
    }

    /** Ids of the worker's WebRTC servers, in creation order. */
    public List<String> webRtcServerIds() {
        assert loop.inEventLoop();
        return List.copyOf(webRtcServers.keySet());
    }

    /** router.close: closes everything in it, then reports the router closed (REQUESTED). */
    public void closeRouter(String routerId) throws SluiceException {
        closeRouter(router(routerId), CloseReason.REQUESTED);
    }

    /** The worker shuts down: every router closes (WORKER_CLOSED), then every WebRTC server. */
    public void closeAllRouters() {
        assert loop.inEventLoop();
        for (Router router : List.copyOf(routers.values())) {
            closeRouter(router, CloseReason.WORKER_CLOSED);
        }
        for (WebRtcServer server : List.copyOf(webRtcServers.values())) {
            closeWebRtcServer(server);
        }
    }

    // ---- transports ----

    /**
     * router.createWebRtcTransport: on the router's own new sockets, or on a WebRTC server's. The
     * transport exists, and its mapping is written, only once every socket is bound.
     */
    public Future<WebRtcTransport> createWebRtcTransport(WebRtcTransportOptions options) throws SluiceException {
        assert loop.inEventLoop();
        Router router = router(options.routerId());
        limits().checkTransports(id, transportIndex.size() + bindingTransports);
        if (!options.webRtcServerId().isEmpty()) {
            WebRtcServer server = webRtcServer(options.webRtcServerId());
            return loop.newSucceededFuture(adopt(webRtcTransports.createOnServer(router, options, server)));
        }
        return adoptWhenBound(webRtcTransports.create(router, options));
    }

    /** router.createPlainTransport: binds its port(s); nothing is kept if one fails. */
    public Future<PlainTransport> createPlainTransport(Router router, PlainTransportOptions options)
            throws SluiceException {
        assert loop.inEventLoop();
        limits().checkTransports(id, transportIndex.size() + bindingTransports);
        return adoptWhenBound(plainTransports.create(router, options));
    }

    /** Transports whose sockets are being bound count against MAX_TRANSPORTS as well. */
    private <T extends Transport> Future<T> adoptWhenBound(Future<T> bound) {
        Promise<T> created = loop.newPromise();
        bindingTransports++;
        bound.addListener((Future<T> done) -> {
            bindingTransports--;
            if (done.isSuccess()) {
                created.setSuccess(adopt(done.getNow()));
            } else {
                created.setFailure(done.cause());
            }
        });
        return created;
    }

    private <T extends Transport> T adopt(T transport) {
        transport.router().addTransport(transport);
        transportIndex.put(transport.id(), transport);
        if (transport instanceof PlainTransport || transport instanceof PipeTransport) {
            // A plain or pipe transport counts what arrives for no producer from its first packet on.
            media.mediaOf(transport);
        }
        rtc.transportMappings().transportCreated(transport.id(), id, transport.router(), transport.userId());
        return transport;
    }

    /** A live transport of any kind, or {@code NOT_FOUND}. */
    public Transport transport(String transportId) throws SluiceException {
        assert loop.inEventLoop();
        Transport transport = transportIndex.get(transportId);
        if (transport == null) {
            throw SluiceException.notFound("transport", transportId);
        }
        return transport;
    }

    /** A live WebRTC transport, or {@code NOT_FOUND}. */
    public WebRtcTransport webRtcTransport(String transportId) throws SluiceException {
        assert loop.inEventLoop();
        if (transportIndex.get(transportId) instanceof WebRtcTransport webRtc) {
            return webRtc;
        }
        throw SluiceException.notFound("transport", transportId);
    }

    /** A live plain transport, or {@code NOT_FOUND}. */
    public PlainTransport plainTransport(String transportId) throws SluiceException {
        assert loop.inEventLoop();
        if (transportIndex.get(transportId) instanceof PlainTransport plain) {
            return plain;
        }
        throw SluiceException.notFound("plain transport", transportId);
    }

    /** transport.close, for a transport of any kind. */
    public void closeTransport(String transportId) throws SluiceException {
        closeTransport(transport(transportId), CloseReason.REQUESTED);
    }

    /** plainTransport.close. */
    public void closePlainTransport(String transportId) throws SluiceException {
        closeTransport(plainTransport(transportId), CloseReason.REQUESTED);
    }

    /** The ids of a transport's producers, for its dump. */
    public List<String> producerIds(Transport transport) {
        TransportMedia owned = transport.media();
        return owned == null ? List.of() : owned.producers().stream().map(Producer::id).toList();
    }

    public List<String> consumerIds(Transport transport) {
        TransportMedia owned = transport.media();
        return owned == null ? List.of() : owned.consumers().stream().map(Consumer::id).toList();
    }

    // ---- pipes between routers ----

    /**
     * router.createPipeTransport: one UDP port on {@code listenInfo} (the worker's listen address
     * when it has no ip); nothing is kept if it cannot be bound.
     *
     * @param srtpProfile null without SRTP; @param peer null unless made by router.pipeToRouter
     */
    public Future<PipeTransport> createPipeTransport(Router router, ListenInfo listenInfo,
            io.sluice.worker.srtp.SrtpProfile srtpProfile, boolean rtx, PipeTransport.Peer peer)
            throws SluiceException {
        assert loop.inEventLoop();
        if (listenInfo.protocol() == TransportTuple.Protocol.TCP) {
            throw SluiceException.unsupported("listen_info.protocol", "pipe transports are UDP only");
        }
        limits().checkTransports(id, transportIndex.size() + bindingTransports);
        ListenInfos.Resolved listen = ListenInfos.resolve(List.of(listenInfo.withProtocol(
                TransportTuple.Protocol.UDP)), true, false, rtc, "listen_info").get(0);
        return adoptWhenBound(pipeTransports.create(router, listen, srtpProfile, rtx, peer));
    }

    /**
     * router.createPipeTransport with {@code in_process}: an end with no socket, for a pipe to
     * another loop of this process (router.pipeToRouter).
     */
    public Future<PipeTransport> createInProcessPipeTransport(Router router, boolean rtx, PipeTransport.Peer peer)
            throws SluiceException {
        assert loop.inEventLoop();
        limits().checkTransports(id, transportIndex.size() + bindingTransports);
        return adoptWhenBound(pipeTransports.createInProcess(router, rtx, peer));
    }

    /** A live pipe transport, or {@code NOT_FOUND}. */
    public PipeTransport pipeTransport(String transportId) throws SluiceException {
        assert loop.inEventLoop();
        if (transportIndex.get(transportId) instanceof PipeTransport pipe) {
            return pipe;
        }
        throw SluiceException.notFound("pipe transport", transportId);
    }

    /** pipeTransport.close; {@code peerClosed} when the other end of the pipe closed first. */
    public void closePipeTransport(String transportId, boolean peerClosed) throws SluiceException {
        closeTransport(pipeTransport(transportId), peerClosed ? CloseReason.PIPE_PEER_CLOSED : CloseReason.REQUESTED);
    }

    /** pipeTransport.consume: a pipe consumer of a producer of the same router. */
    public PipeConsumer consumePipe(String transportId, String producerId, Map<String, String> appData)
            throws SluiceException {
        assert loop.inEventLoop();
        PipeTransport pipe = pipeTransport(transportId);
        Producer producer = producerIndex.on(pipe.router(), producerId);
        if (producer == null) {
            throw SluiceException.notFound("producer", producerId);
        }
        limits().checkConsumers(id, consumerIndex.size());
        PipeConsumer consumer = media.consumePipe(pipe, producer, appData);
        register(pipe, consumer);
        return consumer;
    }

    /**
     * pipeTransport.produce: the producer at the far end of a pipe consumer, under the piped
     * producer's id; ALREADY_EXISTS when this worker has a producer of that id, unless the pipe
     * comes from another router of this worker (router.pipeToRouter within one worker: the id
     * then names one producer on each router).
     */
    public Producer producePipe(String transportId, String producerId, MediaKind kind, RtpParameters rtpParameters,
            boolean paused, Map<String, String> appData) throws SluiceException {
        assert loop.inEventLoop();
        PipeTransport pipe = pipeTransport(transportId);
        boolean fromThisWorker = pipe.inProcess() && pipe.peer() != null && pipe.peer().workerId().equals(id);
        if (producerIndex.on(pipe.router(), producerId) != null
                || (producerIndex.byId(producerId) != null && !fromThisWorker)) {
            throw new SluiceException(SluiceException.Code.ALREADY_EXISTS, "producer " + producerId
                    + " already exists on worker " + id, "producer_id");
        }
        Producer producer = media.produce(pipe, producerId, kind, rtpParameters, paused, appData);
        register(pipe, producer);
        return producer;
    }

    // ---- WebRTC servers ----

    /** worker.createWebRtcServer: binds the shared sockets; nothing is kept if one fails. */
    public Future<WebRtcServer> createWebRtcServer(List<ListenInfo> listenInfos) throws SluiceException {
        assert loop.inEventLoop();
        Promise<WebRtcServer> created = loop.newPromise();
        WebRtcServer.create(UUID.randomUUID().toString(), loop, listenInfos, rtc).addListener(
                (Future<WebRtcServer> done) -> {
                    if (done.isSuccess()) {
                        webRtcServers.put(done.getNow().id(), done.getNow());
                        created.setSuccess(done.getNow());
                    } else {
                        created.setFailure(done.cause());
                    }
                });
        return created;
    }

    public WebRtcServer webRtcServer(String serverId) throws SluiceException {
        assert loop.inEventLoop();
        WebRtcServer server = webRtcServers.get(serverId);
        if (server == null) {
            throw SluiceException.notFound("WebRTC server", serverId);
        }
        return server;
    }

    /** webRtcServer.close: its transports close (WEBRTC_SERVER_CLOSED), then its sockets. */
    public void closeWebRtcServer(String serverId) throws SluiceException {
        closeWebRtcServer(webRtcServer(serverId));
    }

    private void closeWebRtcServer(WebRtcServer server) {
        for (WebRtcTransport transport : server.transports()) {
            closeTransport(transport, CloseReason.WEBRTC_SERVER_CLOSED);
        }
        server.close();
        webRtcServers.remove(server.id());
    }

    // ---- producers ----

    /** transport.produce: a refused request leaves no producer behind. {@code kind} null when not given. */
    public Producer produce(String transportId, MediaKind kind, RtpParameters rtpParameters, boolean paused,
            Map<String, String> appData) throws SluiceException {
        assert loop.inEventLoop();
        Transport transport = transport(transportId);
        Producer producer = media.produce(transport, kind, rtpParameters, paused, appData);
        register(transport, producer);
        return producer;
    }

    private void register(Transport transport, Producer producer) {
        producerIndex.add(producer);
        if (producerTimer == null) {
            producerTimer = loop.scheduleAtFixedRate(this::onProducerTimer, NACK_TIMER_INTERVAL_MS,
                    NACK_TIMER_INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
        transport.router().media().addProducer(producer);
        media.mediaOf(transport).addProducer(producer);
    }

    private void onProducerTimer() {
        for (Producer producer : producerIndex.all()) {
            producer.onNackTimer();
            producer.onActivityTimer();
            producer.onKeyFrameRequestTimer();
        }
        long now = clock.monotonicMillis();
        for (Transport transport : transportIndex.values()) {
            if (transport.media() != null) {
                transport.media().congestionControlServer().onTimer(now);
                transport.media().onBandwidthTimer();
            }
        }
    }

    public Producer producer(String producerId) throws SluiceException {
        assert loop.inEventLoop();
        Producer producer = producerIndex.byId(producerId);
        if (producer == null) {
            throw SluiceException.notFound("producer", producerId);
        }
        return producer;
    }

    /** The producer of this id on {@code router} (a producer piped within this worker has one per router), or NOT_FOUND. */
    public Producer producerOn(Router router, String producerId) throws SluiceException {
        assert loop.inEventLoop();
        Producer producer = producerIndex.on(router, producerId);
        if (producer == null) {
            throw SluiceException.notFound("producer", producerId);
        }
        return producer;
    }

    /** Closes this producer (one of a piped id's copies on this worker, say) as producer.close would. */
    public void closeProducer(Producer producer) {
        closeProducer(producer, CloseReason.REQUESTED);
    }

    public void closeProducer(String producerId) throws SluiceException {
        closeProducer(producer(producerId), CloseReason.REQUESTED);
    }

    public ProducerDump dumpProducer(String producerId) throws SluiceException {
        Producer producer = producer(producerId);
        return producer.dump(consumersOf(producer).stream().map(Consumer::id).toList());
    }

    public ProducerStatsSnapshot producerStats(String producerId, long nowMs) throws SluiceException {
        return producer(producerId).stats(nowMs);
    }

    /** The consumers of {@code producer}, in creation order. */
    public List<Consumer> consumersOf(Producer producer) {
        return producer.transport().router().media().consumersOf(producer);
    }

    // ---- consumers ----

    /** router.canConsume */
    public boolean canConsume(Router router, String producerId, RtpCapabilities capabilities) throws SluiceException {
        Producer producer = producerOn(router, producerId);
        return Ortc.canConsume(producer.consumableRtpParameters(), capabilities);
    }

    /**
     * transport.consume: parameters are negotiated before anything is created.
     *
     * @param capabilities the endpoint's, null when the request gave none (INVALID_ARGUMENT)
     * @param preferred the layers asked for, or null
     */
    public Consumer consume(String transportId, String producerId, RtpCapabilities capabilities,
            ConsumerLayers preferred, boolean paused, Map<String, String> appData) throws SluiceException {
        assert loop.inEventLoop();
        Transport transport = transport(transportId);
        Producer producer = producerIndex.on(transport.router(), producerId);
        if (producer == null) {
            throw SluiceException.notFound("producer", producerId);
        }
        limits().checkConsumers(id, consumerIndex.size());
        Consumer consumer = media.consume(transport, producer, capabilities, preferred, paused, appData);
        register(transport, consumer);
        return consumer;
    }

    private void register(Transport transport, Consumer consumer) {
        consumerIndex.put(consumer.id(), consumer);
        transport.router().media().addConsumer(consumer);
        media.mediaOf(transport).addConsumer(consumer);
    }

    public Consumer consumer(String consumerId) throws SluiceException {
        assert loop.inEventLoop();
        Consumer consumer = consumerIndex.get(consumerId);
        if (consumer == null) {
            throw SluiceException.notFound("consumer", consumerId);
        }
        return consumer;
    }

    public void closeConsumer(String consumerId) throws SluiceException {
        closeConsumer(consumer(consumerId), CloseReason.REQUESTED);
    }

    public ConsumerDump dumpConsumer(String consumerId) throws SluiceException {
        return consumer(consumerId).dump();
    }

    public ConsumerStatsSnapshot consumerStats(String consumerId, long nowMs) throws SluiceException {
        return consumer(consumerId).stats(nowMs);
    }

    /**
     * consumer.setPreferredLayers: FAILED_PRECONDITION for a simple consumer; answers the layers
     * in effect after clamping to the producer's.
     */
    public ConsumerLayers setPreferredLayers(String consumerId, ConsumerLayers preferred) throws SluiceException {
        Consumer consumer = consumer(consumerId);
        if (!(consumer instanceof LayeredConsumer layered)) {
            throw new SluiceException(SluiceException.Code.FAILED_PRECONDITION, "consumer " + consumerId
                    + " is of type " + consumer.type() + "; only simulcast and svc consumers have layers",
                    "consumer_id");
        }
        return layered.setPreferredLayers(preferred);
    }

    // ---- counts ----

    public int transportCount() {
        return transportIndex.size();
    }

    public int producerCount() {
        return producerIndex.size();
    }

    public int consumerCount() {
        return consumerIndex.size();
    }

    /** The worker's limits (unlimited for a worker that makes no transports). */
    public EntityLimits limits() {
        return rtc == null ? EntityLimits.UNLIMITED : rtc.limits();
    }

    // ---- the close cascade: every close goes down the tree from here ----

    /**
     * A router closes: first its RTP observers, then every consumer of its transports, then every producer (all
     * ROUTER_CLOSED), then the transports themselves ({@code reason} WORKER_CLOSED when the worker
     * shuts down, ROUTER_CLOSED otherwise). Consumers go first so that none is closed as
     * PRODUCER_CLOSED on the way, whatever order the transports are visited in.
     */
    private void closeRouter(Router router, CloseReason reason) {
        routers.remove(router.id());
        router.markClosed();
        // Observers first: no producer closing on the way makes a new dominant speaker.
        router.observers().closeAll();
        data.closeRouter(router, reason);
        List<Transport> transports = List.copyOf(router.transports());
        for (Transport transport : transports) {
            data.closeTransport(transport, CloseReason.ROUTER_CLOSED);
            closeConsumers(transport, CloseReason.ROUTER_CLOSED);
        }
        for (Transport transport : transports) {
            closeProducers(transport, CloseReason.ROUTER_CLOSED);
        }
        CloseReason transportReason = reason == CloseReason.WORKER_CLOSED ? reason : CloseReason.ROUTER_CLOSED;
        for (Transport transport : transports) {
            closeTransportItself(transport, transportReason);
        }
        events.routerClosed(router, reason);
    }

    /** A transport closes: its consumers, then its producers (TRANSPORT_CLOSED), then itself. */
    private void closeTransport(Transport transport, CloseReason reason) {
        data.closeTransport(transport, CloseReason.TRANSPORT_CLOSED);
        closeConsumers(transport, CloseReason.TRANSPORT_CLOSED);
        closeProducers(transport, CloseReason.TRANSPORT_CLOSED);
        closeTransportItself(transport, reason);
    }

    private void closeConsumers(Transport transport, CloseReason reason) {
        TransportMedia owned = transport.media();
        if (owned != null) {
            for (Consumer consumer : List.copyOf(owned.consumers())) {
                closeConsumer(consumer, reason);
            }
        }
    }

    private void closeProducers(Transport transport, CloseReason reason) {
        TransportMedia owned = transport.media();
        if (owned != null) {
            for (Producer producer : List.copyOf(owned.producers())) {
                closeProducer(producer, reason);
            }
        }
    }

    private void closeTransportItself(Transport transport, CloseReason reason) {
        if (transportIndex.remove(transport.id()) == null) {
            return;
        }
        if (transport.media() != null) {
            transport.media().rtcpScheduler().stop();
        }
        switch (transport) {
            case WebRtcTransport webRtc -> webRtc.close();
            case PlainTransport plain -> plain.close();
            case PipeTransport pipe -> pipe.close();
        }
        transport.router().removeTransport(transport);
        rtc.transportMappings().transportClosed(transport.id());
        events.transportClosed(transport, reason);
    }

    /** Its consumers first ("producerclose", then "closed" with PRODUCER_CLOSED), then the producer. */
    private void closeProducer(Producer producer, CloseReason reason) {
        if (!producerIndex.remove(producer)) {
            return;
        }
        if (producerIndex.isEmpty() && producerTimer != null) {
            producerTimer.cancel(false);
            producerTimer = null;
        }
        RouterMedia routerMedia = producer.transport().router().media();
        for (Consumer consumer : routerMedia.consumersOf(producer)) {
            events.consumerProducerClosed(consumer);
            closeConsumer(consumer, CloseReason.PRODUCER_CLOSED);
        }
        routerMedia.removeProducer(producer);
        producer.transport().router().observers().onProducerClosed(producer);
        ownerOf(producer.transport()).removeProducer(producer);
        events.producerClosed(producer, reason);
    }

    private void closeConsumer(Consumer consumer, CloseReason reason) {
        if (consumerIndex.remove(consumer.id()) == null) {
            return;
        }
        consumer.transport().router().media().removeConsumer(consumer);
        consumer.close();
        ownerOf(consumer.transport()).removeConsumer(consumer);
        events.consumerClosed(consumer, reason);
    }

    /** The media of the live transport a producer or consumer belongs to. */
    private TransportMedia ownerOf(MediaTransport transport) {
        return transportIndex.get(transport.id()).media();
    }

    // ---- what producers and consumers report ----

    /** Score changes become events while the entity lives; a producer's reach its consumers too. */
    private final RtcpScheduler.ScoreListener scores = new RtcpScheduler.ScoreListener() {
        @Override
        public void onProducerScore(Producer producer) {
            if (!producerIndex.contains(producer)) {
                return;
            }
            events.producerScore(producer);
            for (Consumer consumer : consumersOf(producer)) {
                onConsumerScore(consumer);
            }
        }

        @Override
        public void onConsumerScore(Consumer consumer) {
            if (consumerIndex.containsKey(consumer.id())) {
                events.consumerScore(consumer);
            }
        }
    };

    private void onLayersChanged(LayeredConsumer consumer) {
        if (consumerIndex.containsKey(consumer.id())) {
            events.consumerLayersChanged(consumer);
        }
    }
}
