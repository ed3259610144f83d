package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.net.SocketBinder;
import io.sluice.worker.net.IceTcpGuard;
import io.sluice.worker.net.UdpRtcSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The sockets of a WebRTC transport's or WebRTC server's listen infos, bound one after the other
 * on the owner's loop: a UDP socket or a TCP listener per listen info, in order. If one cannot be
 * bound, those bound before it are closed and the result fails with RESOURCE_EXHAUSTED.
 */
final class ListenSockets {

    /** The bound sockets: {@code channels} in listen-info order, and the UDP ones to send on. */
    record Bound(List<Channel> channels, List<RtcSocket> udpSockets) {

        int port(int index) {
            return ((InetSocketAddress) channels.get(index).localAddress()).getPort();
        }

        void close() {
            channels.forEach(Channel::close);
        }
    }

    /** Forwards to its target once set: the sockets are bound before their owner exists. */
    static final class DeferredSink implements RtcPacketSink {
        private RtcPacketSink target;

        void setTarget(RtcPacketSink target) {
            this.target = target;
        }

        @Override
        public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
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

    private ListenSockets() {}

    static Future<Bound> bind(EventLoop loop, List<ListenInfos.Resolved> infos, RtcPacketSink sink, IceTcpGuard tcpGuard) {
        Promise<Bound> result = loop.newPromise();
        bindNext(new SocketBinder(loop), infos, 0, sink, tcpGuard, new Bound(new ArrayList<>(), new ArrayList<>()), result);
        return result;
    }

    private static void bindNext(SocketBinder binder, List<ListenInfos.Resolved> infos, int index, RtcPacketSink sink,
            IceTcpGuard tcpGuard, Bound bound, Promise<Bound> result) {
        if (index == infos.size()) {
            result.setSuccess(bound);
            return;
        }
        ListenInfos.Resolved info = infos.get(index);
        UdpRtcSocket.Handler udp = info.protocol() == TransportTuple.Protocol.UDP ? UdpRtcSocket.handler(sink) : null;
        Future<Channel> channel = udp != null
                ? binder.bindUdp(info.ip(), info.port(), info.range(), udp)
                : binder.bindTcp(info.ip(), info.port(), info.range(), tcpGuard.listenerHandler(),
                        tcpGuard.initializer(() -> sink));
        channel.addListener(done -> {
            if (!done.isSuccess()) {
                bound.close();
                result.setFailure(new SluiceException(SluiceException.Code.RESOURCE_EXHAUSTED,
                        "listen_infos[" + index + "]: " + done.cause().getMessage()));
                return;
            }
            bound.channels().add(channel.getNow());
            if (udp != null) {
                bound.udpSockets().add(udp.socket());
            }
            bindNext(binder, infos, index + 1, sink, tcpGuard, bound, result);
        });
    }
}
