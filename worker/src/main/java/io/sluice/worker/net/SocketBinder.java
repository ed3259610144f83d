package io.sluice.worker.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntFunction;

/**
 * Binds UDP sockets and TCP listeners for RTC traffic on one worker's event loop, on a fixed port or
 * the first free port of a range. Everything is asynchronous: nothing here blocks the loop, and the
 * returned future completes on it.
 */
public final class SocketBinder {

    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    private final EventLoop loop;

    public SocketBinder(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * A UDP socket on {@code ip}, port {@code port} or (when 0) the first free port of {@code range}.
     * {@code handler} joins the pipeline of the socket that bound, so it need not be sharable.
     */
    public Future<Channel> bindUdp(InetAddress ip, int port, PortRange range, ChannelHandler handler) {
        Future<Channel> bound = bindFirstFree(port, range, candidate -> new Bootstrap()
                .group(loop)
                .channel(NetChannels.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(ip, candidate)));
        bound.addListener(future -> {
            if (future.isSuccess()) {
                bound.getNow().pipeline().addLast(handler);
            }
        });
        return bound;
    }

    /**
     * A TCP listener on {@code ip}; each accepted connection is served on the same loop, with the
     * pipeline set up by {@code childHandler}, which must be sharable (a ChannelInitializer is).
     */
    public Future<Channel> bindTcp(InetAddress ip, int port, PortRange range, ChannelHandler childHandler) {
        return bindTcp(ip, port, range, new ChannelInboundHandlerAdapter(), childHandler);
    }

    /** As above, with {@code listenerHandler} (sharable) on the listener itself, e.g. to hear of failed accepts. */
    public Future<Channel> bindTcp(InetAddress ip, int port, PortRange range, ChannelHandler listenerHandler,
            ChannelHandler childHandler) {
        return bindFirstFree(port, range, candidate -> new ServerBootstrap()
                .group(loop, loop)
                .channel(NetChannels.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handler(listenerHandler)
                .childHandler(childHandler)
                .bind(new InetSocketAddress(ip, candidate)));
    }

    private Future<Channel> bindFirstFree(int port, PortRange range, IntFunction<ChannelFuture> bind) {
        Promise<Channel> result = loop.newPromise();
        if (port != 0) {
            attempt(bind, port, 0, 1, 0, null, result);
        } else {
            attempt(bind, 0, range.randomStart(), range.size(), 0, range, result);
        }
        return result;
    }

    private void attempt(IntFunction<ChannelFuture> bind, int fixedPort, int start, int attempts, int i,
            PortRange range, Promise<Channel> result) {
        int candidate = range == null ? fixedPort : range.candidate(start, i);
        bind.apply(candidate).addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                if (!result.trySuccess(future.channel())) {
                    future.channel().close();
                }
            } else if (SocketErrors.isOutOfFileDescriptors(future.cause())) {
                // Every other port would fail the same way: say what is wrong instead of "no free port".
                result.tryFailure(new PortUnavailableException("the process is out of file descriptors ("
                        + future.cause().getMessage() + "); no socket can be opened until some close",
                        future.cause()));
            } else if (i + 1 < attempts && !result.isDone()) {
                attempt(bind, fixedPort, start, attempts, i + 1, range, result);
            } else {
                result.tryFailure(new PortUnavailableException(range == null
                        ? "port " + fixedPort + " is not available"
                        : "no free port in " + range.min() + "-" + range.max(), future.cause()));
            }
        });
    }

    /** No port could be bound (none free, or no file descriptor left): a RESOURCE_EXHAUSTED error for the request that asked. */
    public static final class PortUnavailableException extends Exception {
        PortUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
