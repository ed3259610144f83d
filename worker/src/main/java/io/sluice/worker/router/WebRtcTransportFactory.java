package io.sluice.worker.router;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.worker.ice.StunRateLimiter;
import io.sluice.worker.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * router.createWebRtcTransport: checks the request, binds the transport's sockets (or joins a
 * WebRTC server), then makes the transport. Binding is asynchronous on the loop; if any socket
 * cannot be bound, the ones that were are closed and nothing is left behind.
 */
final class WebRtcTransportFactory {

    private final EventLoop loop;
    private final EntityEvents events;
    private final RtcResources resources;
    private final Clock clock;

    WebRtcTransportFactory(EventLoop loop, EntityEvents events, RtcResources resources, Clock clock) {
        this.loop = loop;
        this.events = events;
        this.resources = resources;
        this.clock = clock;
    }

    /** On a WebRTC server's shared ports: nothing to bind. */
    WebRtcTransport createOnServer(Router router, RouterCreateWebRtcTransportRequest request, WebRtcServer server)
            throws SluiceException {
        String id = UUID.randomUUID().toString();
        WebRtcTransport transport = new WebRtcTransport(id, router, request.getUserId(), request.getAppData(), loop,
                events, resources, clock, StunRateLimiter.perTransport(), List.of(), List.of(), server,
                server.candidates(enableUdp(request), enableTcp(request), request.getPreferUdp(), request.getPreferTcp()),
                sctpSettings(request));
        server.adopt(transport);
        return transport;
    }

    Future<WebRtcTransport> create(Router router, RouterCreateWebRtcTransportRequest request) throws SluiceException {
        SctpSettings sctp = sctpSettings(request); // refused before any socket is bound
        List<ListenInfos.Resolved> infos = ListenInfos.resolve(request.getListenInfosList(), enableUdp(request),
                enableTcp(request), resources, "listen_infos");
        Promise<WebRtcTransport> result = loop.newPromise();
        ListenSockets.DeferredSink sink = new ListenSockets.DeferredSink();
        ListenSockets.bind(loop, infos, sink, resources.iceTcpGuard()).addListener((Future<ListenSockets.Bound> done) -> {
            if (!done.isSuccess()) {
                result.setFailure(done.cause());
                return;
            }
            ListenSockets.Bound bound = done.getNow();
            if (router.closed()) {
                bound.close();
                result.setFailure(SluiceException.notFound("router", router.id()));
                return;
            }
            try {
                List<IceCandidate> candidates = new ArrayList<>();
                for (int i = 0; i < infos.size(); i++) {
                    candidates.add(ListenInfos.candidate(i, infos.get(i).protocol(), infos.get(i).announcedAddress(),
                            bound.port(i), request.getPreferUdp(), request.getPreferTcp()));
                }
                WebRtcTransport transport = new WebRtcTransport(UUID.randomUUID().toString(), router,
                        request.getUserId(), request.getAppData(), loop, events, resources, clock, StunRateLimiter.perTransport(),
                        bound.channels(), bound.udpSockets(), null, candidates, sctp);
                sink.setTarget(transport);
                result.setSuccess(transport);
            } catch (RuntimeException e) {
                bound.close();
                result.setFailure(e);
            }
        });
        return result;
    }

    /** enableSctp's options with mediasoup's defaults, or null without enableSctp. */
    static SctpSettings sctpSettings(RouterCreateWebRtcTransportRequest request) throws SluiceException {
        if (!request.getEnableSctp()) {
            return null;
        }
        int outbound = SctpSettings.DEFAULT_STREAMS;
        int inbound = SctpSettings.DEFAULT_STREAMS;
        if (request.hasNumSctpStreams()) {
            outbound = streams(request.getNumSctpStreams().getOs(), "num_sctp_streams.os");
            inbound = streams(request.getNumSctpStreams().getMis(), "num_sctp_streams.mis");
        }
        int maxMessageSize = SctpSettings.DEFAULT_MAX_MESSAGE_SIZE;
        if (request.hasMaxSctpMessageSize()) {
            long given = Integer.toUnsignedLong(request.getMaxSctpMessageSize());
            if (given < 1 || given > SctpSettings.LARGEST_MAX_MESSAGE_SIZE) {
                throw SluiceException.invalid("max_sctp_message_size",
                        "must be 1.." + SctpSettings.LARGEST_MAX_MESSAGE_SIZE + ", got " + given);
            }
            maxMessageSize = (int) given;
        }
        return new SctpSettings(io.sluice.worker.sctp.SctpPacket.WEBRTC_PORT, outbound, inbound, maxMessageSize);
    }

    private static int streams(int given, String field) throws SluiceException {
        long value = Integer.toUnsignedLong(given);
        if (value < 1 || value > 65535) {
            throw SluiceException.invalid(field, "must be 1..65535, got " + value);
        }
        return (int) value;
    }

    static boolean enableUdp(RouterCreateWebRtcTransportRequest request) {
        return !request.hasEnableUdp() || request.getEnableUdp();
    }

    static boolean enableTcp(RouterCreateWebRtcTransportRequest request) {
        return !request.hasEnableTcp() || request.getEnableTcp();
    }

}
