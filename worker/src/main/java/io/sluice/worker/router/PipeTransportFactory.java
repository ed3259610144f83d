package io.sluice.worker.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.worker.net.SocketBinder;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * router.createPipeTransport: binds the pipe's one UDP port and, with SRTP, draws the key this end
 * protects with. The transport is handed over only once the port is bound; nothing is left behind
 * when it cannot be.
 */
final class PipeTransportFactory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoop loop;

    PipeTransportFactory(EventLoop loop) {
        this.loop = loop;
    }

    /** @param srtpProfile null without SRTP; @param peer null unless made by router.pipeToRouter */
    Future<PipeTransport> create(Router router, ListenInfos.Resolved listen, SrtpProfile srtpProfile, boolean rtx,
            PipeTransport.Peer peer) {
        assert loop.inEventLoop();
        byte[] keyAndSalt = null;
        if (srtpProfile != null) {
            keyAndSalt = new byte[srtpProfile.keyLength() + srtpProfile.saltLength()];
            RANDOM.nextBytes(keyAndSalt);
        }
        PipeTransport transport = new PipeTransport(UUID.randomUUID().toString(), router, loop,
                listen.announcedAddress(), rtx, peer, srtpProfile, keyAndSalt);
        Promise<PipeTransport> created = loop.newPromise();
        UdpRtcSocket.Handler handler = UdpRtcSocket.handler(transport);
        new SocketBinder(loop).bindUdp(listen.ip(), listen.port(), listen.range(), handler)
                .addListener((Future<Channel> bound) -> {
                    if (!bound.isSuccess()) {
                        transport.close();
                        created.setFailure(new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED,
                                "listen_info: " + bound.cause().getMessage()));
                        return;
                    }
                    if (router.closed()) {
                        handler.socket().close();
                        transport.close();
                        created.setFailure(SluiceException.notFound("router", router.id()));
                        return;
                    }
                    transport.attachSocket(handler.socket());
                    created.setSuccess(transport);
                });
        return created;
    }
}
