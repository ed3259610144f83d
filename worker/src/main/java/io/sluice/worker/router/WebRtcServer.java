package io.sluice.worker.router;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.net.RtcPacketSink;
import io.sluice.worker.net.RtcSocket;
import io.sluice.worker.net.UsernameFragmentIndex;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * mediasoup's WebRtcServer: one UDP socket and one TCP listener per listen info, shared by many
 * WebRTC transports of one worker, so that a deployment opens a handful of ports. A packet is
 * routed by its 5-tuple once ICE validated it, else by the local username fragment in its STUN
 * USERNAME; anything else is dropped and counted.
 */
public final class WebRtcServer implements RtcPacketSink, WebRtcTransport.PortOwner {

    private final String id;
    private final EventLoop loop;
    private final List<ListenInfos.Resolved> infos;
    private final List<Channel> channels;
    private final UsernameFragmentIndex<WebRtcTransport> index = new UsernameFragmentIndex<>();
    private final Set<WebRtcTransport> transports = new LinkedHashSet<>();
    private long unroutedPackets;
    private boolean closed;

    private WebRtcServer(String id, EventLoop loop, List<ListenInfos.Resolved> infos, List<Channel> channels) {
        this.id = id;
        this.loop = loop;
        this.infos = infos;
        this.channels = channels;
    }

    /** Binds every listen info (fixed ports or from ranges); on any failure, closes what was bound. */
    public static Future<WebRtcServer> create(String id, EventLoop loop, List<ListenInfo> given,
            RtcResources resources) throws SluiceException {
        List<ListenInfos.Resolved> infos = ListenInfos.resolve(given, true, true, resources, "listen_infos");
        Promise<WebRtcServer> result = loop.newPromise();
        ListenSockets.DeferredSink sink = new ListenSockets.DeferredSink();
        ListenSockets.bind(loop, infos, sink, resources.iceTcpGuard()).addListener((Future<ListenSockets.Bound> done) -> {
            if (!done.isSuccess()) {
                result.setFailure(done.cause());
                return;
            }
            WebRtcServer server = new WebRtcServer(id, loop, infos, done.getNow().channels());
            sink.setTarget(server);
            result.setSuccess(server);
        });
        return result;
    }

    public String id() {
        return id;
    }

    /** Host candidates of the shared sockets, for a transport joining this server. */
    List<IceCandidate> candidates(boolean enableUdp, boolean enableTcp, boolean preferUdp, boolean preferTcp) {
        List<IceCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            ListenInfos.Resolved info = infos.get(i);
            if (info.protocol() == TransportTuple.Protocol.UDP && !enableUdp
                    || info.protocol() == TransportTuple.Protocol.TCP && !enableTcp) {
                continue;
            }
            int port = ((InetSocketAddress) channels.get(i).localAddress()).getPort();
            candidates.add(ListenInfos.candidate(i, info.protocol(), info.announcedAddress(), port, preferUdp, preferTcp));
        }
        return candidates;
    }

    void adopt(WebRtcTransport transport) {
        transports.add(transport);
    }

    @Override
    public void onRtcPacket(RtcSocket socket, ByteBuf packet, InetSocketAddress remote) {
        assert loop.inEventLoop();
        WebRtcTransport owner = index.find(packet, socket.localId(), remote, socket.protocol());
        if (owner == null) {
            unroutedPackets++;
            return;
        }
        owner.onRtcPacket(socket, packet, remote);
    }

    @Override
    public void onRtcSocketClosed(RtcSocket socket) {
        for (WebRtcTransport transport : List.copyOf(transports)) {
            transport.onRtcSocketClosed(socket);
        }
    }

    @Override
    public void onUsernameFragmentAdded(String usernameFragment, WebRtcTransport transport) {
        index.addUsernameFragment(usernameFragment, transport);
    }

    @Override
    public void onUsernameFragmentRemoved(String usernameFragment) {
        index.removeUsernameFragment(usernameFragment);
    }

    @Override
    public void onTupleAdded(TransportTuple tuple, WebRtcTransport transport) {
        index.addTuple(tuple, transport);
    }

    @Override
    public void onTupleRemoved(TransportTuple tuple) {
        index.removeTuple(tuple);
    }

    @Override
    public void onTransportClosed(WebRtcTransport transport) {
        transports.remove(transport);
        index.removeOwner(transport);
    }

    /** The transports on its ports, in creation order. */
    List<WebRtcTransport> transports() {
        return List.copyOf(transports);
    }

    /** Closes the sockets; the worker has closed the transports using them first. Idempotent. */
    void close() {
        assert loop.inEventLoop();
        if (closed) {
            return;
        }
        closed = true;
        channels.forEach(Channel::close);
    }

    /** The shared sockets' local ends, one per listen info. */
    public List<TupleInfo> localTuples() {
        List<TupleInfo> tuples = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            InetSocketAddress local = (InetSocketAddress) channels.get(i).localAddress();
            tuples.add(new TupleInfo(infos.get(i).protocol(), local.getAddress().getHostAddress(), local.getPort(), null, 0));
        }
        return tuples;
    }

    /** The ids of the transports on its ports, in creation order (webRtcServer.dump). */
    public List<String> transportIds() {
        assert loop.inEventLoop();
        return transports.stream().map(WebRtcTransport::id).toList();
    }

    public long unroutedPackets() {
        return unroutedPackets;
    }
}
