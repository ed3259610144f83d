package io.sluice.worker.router;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.worker.bwe.SendSideBandwidthEstimator;
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
    WebRtcTransport createOnServer(Router router, WebRtcTransportOptions options, WebRtcServer server)
            throws SluiceException {
        String id = UUID.randomUUID().toString();
        WebRtcTransport transport = new WebRtcTransport(id, router, options.userId(), options.appData(), loop,
                events, resources, clock, bandwidthEstimator(options), StunRateLimiter.perTransport(), List.of(),
                List.of(), server,
                server.candidates(options.enableUdp(), options.enableTcp(), options.preferUdp(), options.preferTcp()),
                sctpSettings(options.sctp()));
        server.adopt(transport);
        return transport;
    }

    Future<WebRtcTransport> create(Router router, WebRtcTransportOptions options) throws SluiceException {
        SendSideBandwidthEstimator estimator = bandwidthEstimator(options);
        SctpSettings sctp = sctpSettings(options.sctp()); // refused before any socket is bound
        List<ListenInfos.Resolved> infos = ListenInfos.resolve(options.listenInfos(), options.enableUdp(),
                options.enableTcp(), resources, "listen_infos");
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
                            bound.port(i), options.preferUdp(), options.preferTcp()));
                }
                WebRtcTransport transport = new WebRtcTransport(UUID.randomUUID().toString(), router,
                        options.userId(), options.appData(), loop, events, resources, clock, estimator, StunRateLimiter.perTransport(),
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
    static SctpSettings sctpSettings(SctpOptions options) throws SluiceException {
        if (options == null) {
            return null;
        }
        int outbound = SctpSettings.DEFAULT_STREAMS;
        int inbound = SctpSettings.DEFAULT_STREAMS;
        if (options.outboundStreams() != null) {
            outbound = streams(options.outboundStreams(), "num_sctp_streams.os");
            inbound = streams(options.inboundStreams(), "num_sctp_streams.mis");
        }
        int maxMessageSize = SctpSettings.DEFAULT_MAX_MESSAGE_SIZE;
        if (options.maxMessageSize() != null) {
            long given = options.maxMessageSize();
            if (given < 1 || given > SctpSettings.LARGEST_MAX_MESSAGE_SIZE) {
                throw SluiceException.invalid("max_sctp_message_size",
                        "must be 1.." + SctpSettings.LARGEST_MAX_MESSAGE_SIZE + ", got " + given);
            }
            maxMessageSize = (int) given;
        }
        return new SctpSettings(io.sluice.worker.sctp.SctpPacket.WEBRTC_PORT, outbound, inbound, maxMessageSize);
    }

    private static int streams(long value, String field) throws SluiceException {
        if (value < 1 || value > 65535) {
            throw SluiceException.invalid(field, "must be 1..65535, got " + value);
        }
        return (int) value;
    }

    /** mediasoup's initialAvailableOutgoingBitrate: the estimate towards the endpoint before any feedback. */
    private SendSideBandwidthEstimator bandwidthEstimator(WebRtcTransportOptions options) throws SluiceException {
        long initial = options.initialAvailableOutgoingBitrate() == 0
                ? SendSideBandwidthEstimator.DEFAULT_INITIAL_BITRATE : options.initialAvailableOutgoingBitrate();
        if (initial < SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE) {
            throw SluiceException.invalid("initial_available_outgoing_bitrate",
                    "must be at least " + SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE + " bit/s");
        }
        return new SendSideBandwidthEstimator(clock, initial, SendSideBandwidthEstimator.DEFAULT_MIN_BITRATE,
                SendSideBandwidthEstimator.DEFAULT_MAX_BITRATE);
    }
}
