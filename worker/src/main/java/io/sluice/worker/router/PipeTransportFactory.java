package io.sluice.worker.router;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.worker.net.SocketBinder;
import io.sluice.worker.net.UdpRtcSocket;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * router.createPipeTransport: binds the pipe's one UDP port and, with SRTP, draws the key this end
 * protects with. The transport is handed over only once the port is bound; nothing is left behind
 * when it cannot be. An in-process end has no port.
 */
final class PipeTransportFactory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoop loop;
    private final LocalPipes localPipes;
    private final Clock clock;

    PipeTransportFactory(EventLoop loop, LocalPipes localPipes, Clock clock) {
        this.loop = loop;
        this.clock = clock;
        this.localPipes = localPipes;
    }

    /**
     * An end whose packets cross to another loop of this process in memory: no port, no SRTP
     * (nothing leaves the process); registered for the other end's connect.
     */
    Future<PipeTransport> createInProcess(Router router, boolean rtx, PipeTransport.Peer peer) {
        assert loop.inEventLoop();
        PipeTransport transport = new PipeTransport(UUID.randomUUID().toString(), router, loop, clock, "", rtx, peer,
                null, null, localPipes);
        localPipes.add(transport);
        return loop.newSucceededFuture(transport);
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
        PipeTransport transport = new PipeTransport(UUID.randomUUID().toString(), router, loop, clock,
                listen.announcedAddress(), rtx, peer, srtpProfile, keyAndSalt, null);
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
