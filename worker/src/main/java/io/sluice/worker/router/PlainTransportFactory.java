package io.sluice.worker.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.net.SocketBinder;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * router.createPlainTransport: checks the request, then binds the transport's port (or its RTP and
 * RTCP ports without rtcp-mux). The transport is handed over only once every port is bound; if
 * one cannot be, the other is closed and nothing is left behind.
 */
final class PlainTransportFactory {

    private final EventLoop loop;
    private final RtcResources resources;
    private final Clock clock;

    PlainTransportFactory(EventLoop loop, RtcResources resources, Clock clock) {
        this.loop = loop;
        this.clock = clock;
        this.resources = resources;
    }

    Future<PlainTransport> create(Router router, PlainTransportOptions options) throws SluiceException {
        assert loop.inEventLoop();
        boolean rtcpMux = options.rtcpMux();
        ListenInfos.Resolved rtpInfo = resolveUdp(options.listenInfo(), "listen_info");
        ListenInfos.Resolved rtcpInfo = rtcpMux ? null : resolveUdp(
                options.rtcpListenInfo() != null ? options.rtcpListenInfo()
                        : new ListenInfo(null, rtpInfo.ip().getHostAddress(), "", 0, null),
                "rtcp_listen_info");
        SrtpProfile profile = options.srtpProfile();
        PlainTransport transport = new PlainTransport(UUID.randomUUID().toString(), router, options.userId(),
                options.appData(), loop, clock, rtcpMux, options.comedia(), profile,
                profile == null ? null : PlainSrtp.newKeyAndSalt(profile));
        Promise<PlainTransport> created = loop.newPromise();
        SocketBinder binder = new SocketBinder(loop);
        UdpRtcSocket.Handler rtpHandler = UdpRtcSocket.handler(transport);
        binder.bindUdp(rtpInfo.ip(), rtpInfo.port(), rtpInfo.range(), rtpHandler).addListener((Future<Channel> rtp) -> {
            if (!rtp.isSuccess()) {
                created.setFailure(new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED,
                        "listen_info: " + rtp.cause().getMessage()));
                return;
            }
            if (rtcpInfo == null) {
                finish(router, transport, rtpHandler, null, created);
                return;
            }
            UdpRtcSocket.Handler rtcpHandler = UdpRtcSocket.handler(transport);
            binder.bindUdp(rtcpInfo.ip(), rtcpInfo.port(), rtcpInfo.range(), rtcpHandler).addListener(
                    (Future<Channel> rtcp) -> {
                        if (!rtcp.isSuccess()) {
                            rtp.getNow().close();
                            created.setFailure(new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED,
                                    "rtcp_listen_info: " + rtcp.cause().getMessage()));
                            return;
                        }
                        finish(router, transport, rtpHandler, rtcpHandler, created);
                    });
        });
        return created;
    }

    private ListenInfos.Resolved resolveUdp(ListenInfo info, String field) throws SluiceException {
        if (info.protocol() == TransportTuple.Protocol.TCP) {
            throw SluiceException.unsupported(field + ".protocol", "plain transports are UDP only");
        }
        return ListenInfos.resolve(List.of(info.withProtocol(TransportTuple.Protocol.UDP)), true, false, resources, field)
                .get(0);
    }

    private static void finish(Router router, PlainTransport transport, UdpRtcSocket.Handler rtp,
            UdpRtcSocket.Handler rtcp, Promise<PlainTransport> created) {
        if (router.closed()) {
            rtp.socket().close();
            if (rtcp != null) {
                rtcp.socket().close();
            }
            created.setFailure(SluiceException.notFound("router", router.id()));
            return;
        }
        transport.attachSockets(rtp.socket(), rtcp == null ? null : rtcp.socket());
        created.setSuccess(transport);
    }
}
