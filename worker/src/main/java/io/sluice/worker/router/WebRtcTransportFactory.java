package io.sluice.worker.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.worker.SluiceException;
import io.sluice.worker.control.EventPublisher;
import io.sluice.worker.ice.StunRateLimiter;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.net.SocketBinder;
import io.sluice.worker.net.TcpRtcConnection;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.registry.TransportMappings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * router.createWebRtcTransport: checks the request, binds the transport's sockets (or joins a
 * WebRTC server), then makes the transport. Binding is asynchronous on the loop; if any socket
 * cannot be bound, the ones that were are closed and nothing is left behind.
 */
public final class WebRtcTransportFactory {

    private static final Logger log = LoggerFactory.getLogger(WebRtcTransportFactory.class);

    /** Forwards packets to the transport once it exists; sockets are bound before it does. */
    private static final class PendingSink implements RtcPacketSink {
        private RtcPacketSink target;

        @Override
        public void onRtcPacket(RtcSocket socket, io.netty.buffer.ByteBuf packet, InetSocketAddress remote) {
            if (target != null) {
                target.onRtcPacket(socket, packet, remote);
            }
        }

        @Override
        public void onRtcSocketClosed(RtcSocket socket) {
            if (target != null) {
                target.onRtcSocketClosed(socket);
            }
        }
    }

    private final EventLoop loop;
    private final EventPublisher events;
    private final RtcResources resources;
    private final StunRateLimiter rateLimiter;
    private final String workerId;

    public WebRtcTransportFactory(String workerId, EventLoop loop, EventPublisher events, RtcResources resources,
            StunRateLimiter rateLimiter) {
        this.workerId = workerId;
        this.loop = loop;
        this.events = events;
        this.resources = resources;
        this.rateLimiter = rateLimiter;
    }

    /** On a WebRTC server's shared ports: nothing to bind. */
    public WebRtcTransport createOnServer(Router router, RouterCreateWebRtcTransportRequest request, WebRtcServer server) {
        String id = UUID.randomUUID().toString();
        WebRtcTransport transport = new WebRtcTransport(id, router, request.getUserId(), request.getAppData(), loop,
                events, resources, rateLimiter, List.of(), List.of(), server,
                server.candidates(enableUdp(request), enableTcp(request), request.getPreferUdp(), request.getPreferTcp()));
        server.adopt(transport);
        return transport;
    }

    public Future<WebRtcTransport> create(Router router, RouterCreateWebRtcTransportRequest request) throws SluiceException {
        List<ListenInfos.Resolved> infos = ListenInfos.resolve(request.getListenInfosList(), enableUdp(request),
                enableTcp(request), resources, "listen_infos");
        Promise<WebRtcTransport> result = loop.newPromise();
        PendingSink sink = new PendingSink();
        List<Channel> channels = new ArrayList<>();
        List<RtcSocket> udpSockets = new ArrayList<>();
        bindNext(infos, 0, sink, channels, udpSockets, result, () -> {
            if (router.closed()) {
                throw SluiceException.notFound("router", router.id());
            }
            List<IceCandidate> candidates = new ArrayList<>();
            for (int i = 0; i < infos.size(); i++) {
                candidates.add(ListenInfos.candidate(i, infos.get(i).protocol(), infos.get(i).announcedAddress(),
                        ((InetSocketAddress) channels.get(i).localAddress()).getPort(), request.getPreferUdp(),
                        request.getPreferTcp()));
            }
            WebRtcTransport transport = new WebRtcTransport(UUID.randomUUID().toString(), router,
                    request.getUserId(), request.getAppData(), loop, events, resources, rateLimiter, channels,
                    udpSockets, null, candidates);
            sink.target = transport;
            return transport;
        });
        return result;
    }

    /** The mapping every created transport gets in Redis (written in the background; logged if Redis is away). */
    public void writeMapping(WebRtcTransport transport) {
        Router router = transport.router();
        resources.registry().putTransport(new TransportMappings.Mapping(transport.id(), workerId, router.id(),
                router.roomId(), transport.userId())).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        log.warn("transport {}: Redis mapping not written ({})", transport.id(), failure.toString());
                    }
                });
    }

    @FunctionalInterface
    private interface Completion {
        WebRtcTransport complete() throws SluiceException;
    }

    private void bindNext(List<ListenInfos.Resolved> infos, int index, PendingSink sink, List<Channel> channels,
            List<RtcSocket> udpSockets, Promise<WebRtcTransport> result, Completion completion) {
        if (index == infos.size()) {
            try {
                result.setSuccess(completion.complete());
            } catch (SluiceException | RuntimeException e) {
                channels.forEach(Channel::close);
                result.setFailure(e);
            }
            return;
        }
        ListenInfos.Resolved info = infos.get(index);
        SocketBinder binder = new SocketBinder(loop);
        Future<Channel> bound;
        UdpRtcSocket.Handler udp = null;
        if (info.protocol() == TransportProtocol.UDP) {
            udp = UdpRtcSocket.handler(sink);
            bound = binder.bindUdp(info.ip(), info.port(), info.range(), udp);
        } else {
            bound = binder.bindTcp(info.ip(), info.port(), info.range(), TcpRtcConnection.initializer(() -> sink));
        }
        UdpRtcSocket.Handler udpHandler = udp;
        bound.addListener(done -> {
            if (!done.isSuccess()) {
                channels.forEach(Channel::close);
                result.setFailure(new SluiceException(ErrorCode.RESOURCE_EXHAUSTED,
                        "listen_infos[" + index + "]: " + done.cause().getMessage()));
                return;
            }
            channels.add(bound.getNow());
            if (udpHandler != null) {
                udpSockets.add(udpHandler.socket());
            }
            bindNext(infos, index + 1, sink, channels, udpSockets, result, completion);
        });
    }

    static boolean enableUdp(RouterCreateWebRtcTransportRequest request) {
        return !request.hasEnableUdp() || request.getEnableUdp();
    }

    static boolean enableTcp(RouterCreateWebRtcTransportRequest request) {
        return !request.hasEnableTcp() || request.getEnableTcp();
    }

}
