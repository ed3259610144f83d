package io.sluice.orchestrator.signaling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.sluice.orchestrator.client.SluiceEventSubscriber;
import io.sluice.orchestrator.placement.RoomPlacement;
import io.sluice.orchestrator.policy.LayerPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser-facing HTTP server: the demo page at {@code /} (with the mediasoup-client bundle
 * built by web/build.sh at {@code /app.js}) and the signaling WebSocket at {@code /ws}
 * (docs/signaling.md), one {@link SignalingSession} per WebSocket.
 */
public final class SignalingServer implements AutoCloseable {

    public static final String WEBSOCKET_PATH = "/ws";
    /** The largest request accepted: an SDP-sized rtpParameters is a few KB. */
    private static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private static final long POLICY_TICK_MILLIS = 1000;

    private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);
    /** Request path to classpath resource and content type. */
    private static final Map<String, String[]> PAGES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"web/app.js", "text/javascript; charset=utf-8"});

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final Sessions sessions;
    private final RoomBus bus;
    private final Rooms rooms;
    private final AtomicInteger openSessions;

    private SignalingServer(EventLoopGroup group, Channel serverChannel, Sessions sessions, RoomBus bus, Rooms rooms,
            AtomicInteger openSessions) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.sessions = sessions;
        this.bus = bus;
        this.rooms = rooms;
        this.openSessions = openSessions;
    }

    /**
     * As the full {@code start}, with the default limits, no session store and no resume grace: a
     * closed socket leaves.
     */
    public static SignalingServer start(String host, int port, RoomPlacement placement, JoinTokenVerifier joinTokens,
            SluiceEventSubscriber events, LayerPolicy layerPolicy) throws InterruptedException {
        return start(host, port, placement, joinTokens, SignalingLimits.DEFAULTS, events, layerPolicy, null, null,
                Duration.ZERO);
    }

    /**
     * Listens on {@code host:port} (port 0 picks a free one).
     *
     * @param joinTokens checks the join tokens ({@link JoinToken}, signed with JOIN_SECRET or a key)
     * @param limits sessions per user and room, transports, producers and consumers per peer
     * @param events the subscriber whose router events are relayed to the browsers: the server adds
     *     its listeners and follows its rooms' routers (a no-op when it follows all routers, which
     *     also detects missed events)
     * @param layerPolicy chooses the layers of simulcast and SVC consumers from their scores
     * @param nats         where the signaling servers of a room tell each other what their peers do
     *     ({@link RoomBus}); null: this server is alone with its rooms
     * @param sessionRedis where sessions are kept across restarts and seen by the other servers
     *     ({@link RedisSessionStore}); null keeps them in memory only
     * @param resumeGrace how long a session whose socket closed waits for its browser to resume it
     */
    public static SignalingServer start(String host, int port, RoomPlacement placement, JoinTokenVerifier joinTokens,
            SignalingLimits limits, SluiceEventSubscriber events, LayerPolicy layerPolicy,
            io.nats.client.Connection nats, io.lettuce.core.api.StatefulRedisConnection<String, String> sessionRedis,
            Duration resumeGrace) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Sessions sessions = new Sessions(sessionRedis == null ? SessionStore.NONE : new RedisSessionStore(sessionRedis),
                resumeGrace, group, limits);
        JoinAdmission admission = new JoinAdmission(joinTokens,
                sessionRedis == null ? new InMemoryReplayGuard(joinTokens.clock()) : new RedisReplayGuard(sessionRedis),
                sessions);
        Rooms rooms = new Rooms(placement, events, layerPolicy, sessions);
        RoomBus bus = nats == null ? RoomBus.NONE : new RoomBus(nats, sessions.stubId(), rooms);
        rooms.useBus(bus);
        placement.addRouterLostListener(rooms);
        EventRelay relay = new EventRelay(rooms);
        events.addTransportListener(relay);
        events.addProducerListener(relay);
        events.addConsumerListener(relay);
        events.addRtpObserverListener(relay);
        events.addDataListener(relay);
        events.addMissedEventsListener(relay);
        AtomicInteger openSessions = new AtomicInteger();
        try {
            sessions.start(rooms);
            group.scheduleAtFixedRate(() -> {
                try {
                    rooms.tickLayerPolicy();
                } catch (RuntimeException e) {
                    log.error("layer policy failed", e);
                }
            }, POLICY_TICK_MILLIS, POLICY_TICK_MILLIS, TimeUnit.MILLISECONDS);
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpServerCodec(),
                                    new HttpObjectAggregator(MAX_MESSAGE_BYTES),
                                    new WebSocketServerProtocolHandler(WEBSOCKET_PATH, null, false, MAX_MESSAGE_BYTES),
                                    new FragmentAggregator(), new PageHandler(),
                                    new SessionHandler(rooms, sessions, admission, openSessions));
                        }
                    })
                    .bind(host, port).sync().channel();
            log.info("signaling on http://{}:{}/ (WebSocket {})", host,
                    ((InetSocketAddress) channel.localAddress()).getPort(), WEBSOCKET_PATH);
            return new SignalingServer(group, channel, sessions, bus, rooms, openSessions);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            bus.close();
            throw e;
        }
    }

    /** The room's routers, peers and pipes on this server as JSON (docs/operations.md), if any peer of it is here. */
    public java.util.Optional<String> roomDump(String roomId) {
        return rooms.dump(roomId).map(Object::toString);
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Rooms with at least one peer here. */
    public int roomCount() {
        return rooms.roomCount();
    }

    /** Peers that joined a room. */
    public int peerCount() {
        return rooms.peerCount();
    }

    /** Open signaling WebSockets, joined or not. */
    public int openSessions() {
        return openSessions.get();
    }

    @Override
    public void close() {
        sessions.stop();
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
        bus.close();
    }

    /** Serves the demo page and its bundle; anything else is 404. */
    private static final class PageHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            String path = new QueryStringDecoder(request.uri()).path();
            String[] page = PAGES.get(path);
            byte[] body = null;
            if (page != null && request.method().equals(HttpMethod.GET)) {
                try (InputStream in = SignalingServer.class.getClassLoader().getResourceAsStream(page[0])) {
                    body = in == null ? null : in.readAllBytes();
                }
            }
            FullHttpResponse response;
            if (body == null) {
                String hint = page != null ? " (build the page: orchestrator-stub/web/build.sh)" : "";
                byte[] text = ("not found: " + path + hint)
                        .getBytes(StandardCharsets.UTF_8);
                response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_FOUND,
                        Unpooled.wrappedBuffer(text));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            } else {
                response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(body));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, page[1]);
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            }
            HttpUtil.setContentLength(response, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * One {@link SignalingSession} per WebSocket, or the detached session a {@code resume} took
     * over; when the socket closes, the session is detached (it leaves if not resumed in time).
     */
    /**
     * RFC 6455 §5.4: a message may come as a text frame and continuation frames; the session gets
     * it whole. A message over the size cap in total is closed with 1009 (§7.4.1), as one
     * oversized frame is by the decoder.
     */
    private static final class FragmentAggregator extends WebSocketFrameAggregator {
        FragmentAggregator() {
            super(MAX_MESSAGE_BYTES);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, WebSocketFrame oversized) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static final class SessionHandler extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        private final Rooms rooms;
        private final Sessions sessions;
        private final JoinAdmission admission;
        private final AtomicInteger openSessions;
        private volatile SignalingSession session;
        private boolean upgraded;

        SessionHandler(Rooms rooms, Sessions sessions, JoinAdmission admission, AtomicInteger openSessions) {
            this.rooms = rooms;
            this.sessions = sessions;
            this.admission = admission;
            this.openSessions = openSessions;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                upgraded = true;
                openSessions.incrementAndGet();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel channel = ctx.channel();
            session = new SignalingSession(rooms, sessions, admission, channel,
                    text -> channel.writeAndFlush(new TextWebSocketFrame(text)), resumed -> session = resumed);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            session.onText(frame.text());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (upgraded) {
                openSessions.decrementAndGet();
            }
            session.detach(ctx.channel());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("signaling connection {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
