package io.sluice.worker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.sluice.worker.time.Clock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one worker's ICE-TCP connections (RFC 6544, passive) from being hoarded: a connection
 * must send a valid STUN check (one that makes a tuple of its transport) within the validation
 * timeout or it is closed; the worker keeps at most {@code maxConnections} open, and at most
 * {@code maxPendingPerSource} not-yet-validated ones from one IP address; connections over those
 * caps are closed as they are accepted. When accepting fails (typically the process is out of
 * file descriptors), it says so at most once a minute and pauses the listener for a second
 * instead of retrying in a loop.
 *
 * <p>One per worker; every method runs on the worker's loop, which serves its listeners and their
 * connections.
 */
public final class IceTcpGuard {

    private static final Logger log = LoggerFactory.getLogger(IceTcpGuard.class);
    private static final long ACCEPT_FAILURE_REPORT_INTERVAL_MILLIS = 60_000;
    private static final long ACCEPT_PAUSE_MILLIS = 1_000;

    private final int maxConnections;
    private final int maxPendingPerSource;
    private final Duration validationTimeout;
    private final Clock clock;
    private final Map<InetAddress, Integer> pendingBySource = new HashMap<>();
    private final ChannelHandler listenerHandler = new AcceptFailureHandler();
    private int open;
    private long refused;
    private long timedOut;
    private long acceptFailures;
    private long acceptFailuresReported;
    private long lastAcceptFailureReportMillis = Long.MIN_VALUE;

    public IceTcpGuard(int maxConnections, int maxPendingPerSource, Duration validationTimeout, Clock clock) {
        if (maxConnections < 1 || maxPendingPerSource < 1 || validationTimeout.isNegative() || validationTimeout.isZero()) {
            throw new IllegalArgumentException("need positive caps and a positive validation timeout");
        }
        this.maxConnections = maxConnections;
        this.maxPendingPerSource = maxPendingPerSource;
        this.validationTimeout = validationTimeout;
        this.clock = clock;
    }

    /** The child handler of an ICE-TCP listener: admits, frames and watches every accepted connection. */
    public ChannelInitializer<Channel> initializer(Supplier<RtcPacketSink> sink) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                TcpRtcConnection connection = new TcpRtcConnection(channel, IceTcpGuard.this);
                if (!admit(connection)) {
                    channel.close();
                    return;
                }
                connection.install(sink.get());
            }
        };
    }

    /** The handler of an ICE-TCP listener itself, which hears of failed accepts. Sharable. */
    public ChannelHandler listenerHandler() {
        return listenerHandler;
    }

    private boolean admit(TcpRtcConnection connection) {
        InetAddress source = connection.remoteAddress().getAddress();
        int pending = pendingBySource.getOrDefault(source, 0);
        if (open >= maxConnections || pending >= maxPendingPerSource) {
            refused++;
            log.debug("ICE-TCP connection from {} refused: {} open (cap {}), {} unvalidated from it (cap {})",
                    connection.remoteAddress(), open, maxConnections, pending, maxPendingPerSource);
            return false;
        }
        open++;
        pendingBySource.put(source, pending + 1);
        connection.admitted = true;
        EventLoop loop = connection.channel().eventLoop();
        connection.validationTimer = loop.schedule(() -> {
            if (!connection.validated) {
                timedOut++;
                connection.close();
            }
        }, validationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /** A valid STUN check arrived on {@code connection}: it no longer counts as pending. */
    void validated(TcpRtcConnection connection) {
        if (!connection.admitted || connection.validated) {
            return;
        }
        connection.validated = true;
        connection.validationTimer.cancel(false);
        releasePending(connection.remoteAddress());
    }

    void closed(TcpRtcConnection connection, InetSocketAddress remote) {
        if (!connection.admitted) {
            return;
        }
        connection.admitted = false;
        open--;
        connection.validationTimer.cancel(false);
        if (!connection.validated) {
            releasePending(remote);
        }
    }

    private void releasePending(InetSocketAddress remote) {
        pendingBySource.computeIfPresent(remote.getAddress(), (source, count) -> count > 1 ? count - 1 : null);
    }

    /** Connections open now. */
    public int openConnections() {
        return open;
    }

    /** Connections closed on accept because a cap was reached. */
    public long refusedConnections() {
        return refused;
    }

    /** Connections closed for sending no valid STUN check in time. */
    public long timedOutConnections() {
        return timedOut;
    }

    /** Accepts that failed (for lack of file descriptors, mostly). */
    public long acceptFailures() {
        return acceptFailures;
    }

    private void onAcceptFailed(Channel listener, Throwable cause) {
        acceptFailures++;
        long now = clock.monotonicMillis();
        if (lastAcceptFailureReportMillis == Long.MIN_VALUE
                || now - lastAcceptFailureReportMillis >= ACCEPT_FAILURE_REPORT_INTERVAL_MILLIS) {
            long failures = acceptFailures - acceptFailuresReported;
            acceptFailuresReported = acceptFailures;
            lastAcceptFailureReportMillis = now;
            if (SocketErrors.isOutOfFileDescriptors(cause)) {
                log.warn("ICE-TCP cannot accept connections: the process is out of file descriptors ({}); {} failed "
                        + "accept(s) since the last report. Raise its limit (ulimit -n, LimitNOFILE) or lower "
                        + "ICE_TCP_MAX_CONNECTIONS; reported at most once a minute", cause.getMessage(), failures);
            } else {
                log.warn("ICE-TCP accept failed on {}: {}; {} failed accept(s) since the last report; reported at most "
                        + "once a minute", listener.localAddress(), cause.toString(), failures);
            }
        }
        // The failed connection stays in the backlog: retrying at once would spin the loop.
        listener.config().setAutoRead(false);
        listener.eventLoop().schedule(() -> {
            if (listener.isOpen()) {
                listener.config().setAutoRead(true);
            }
        }, ACCEPT_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @ChannelHandler.Sharable
    private final class AcceptFailureHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            onAcceptFailed(ctx.channel(), cause);
        }
    }
}
