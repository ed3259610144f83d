package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.ice.StunMessage;
import io.sluice.worker.ice.StunMessageWriter;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defect 6 of issue 12: ICE-TCP connections that never authenticate must not pile up. A worker
 * with small caps (32 connections, 4 unvalidated per source, 2 s to send a valid check) on real
 * sockets; sources are distinct loopback addresses (127.0.0.0/8). A connection refused by a cap is
 * told apart from one closed by the timeout: a valid check on it gets no answer.
 */
class IceTcpHoardingTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int MAX_CONNECTIONS = 32;
    private static final int MAX_PENDING_PER_SOURCE = 4;

    private static RunningWorker worker;
    private static String routerId;

    @BeforeAll
    static void start() throws Exception {
        worker = RunningWorker.start("ice-tcp", 47_000, 47_199, Map.of("ICE_TCP_MAX_CONNECTIONS",
                Integer.toString(MAX_CONNECTIONS), "ICE_TCP_MAX_PENDING_PER_SOURCE", Integer.toString(MAX_PENDING_PER_SOURCE),
                "ICE_TCP_VALIDATION_TIMEOUT", "2"));
        routerId = worker.createRouter("room-ice-tcp");
    }

    @AfterAll
    static void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    private static WebRtcTransportInfo createTransport() throws Exception {
        return worker.client.call(worker.workerId, "router.createWebRtcTransport",
                        RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId("u")
                                .setEnableUdp(false).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static InetSocketAddress tcpAddress(WebRtcTransportInfo transport) {
        IceCandidate candidate = transport.getIceCandidatesList().stream()
                .filter(c -> c.getProtocol() == TransportProtocol.TCP).findFirst().orElseThrow();
        return new InetSocketAddress(candidate.getAddress(), candidate.getPort());
    }

    private static Socket connectFrom(String source, InetSocketAddress to) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(to, (int) WAIT.toMillis());
        return socket;
    }

    /** True once the worker has closed {@code socket} (end of stream or reset), within the patience bound. */
    private static boolean closedByWorker(Socket socket) throws IOException {
        socket.setSoTimeout((int) WAIT.toMillis());
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    /** Sends one RFC 4571-framed binding request for {@code transport} and reads the framed response's class. */
    private static int check(Socket socket, WebRtcTransportInfo transport) throws IOException {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        ThreadLocalRandom.current().nextBytes(transactionId);
        ByteBuf request = Unpooled.buffer(128);
        new StunMessageWriter()
                .begin(request, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING, Unpooled.wrappedBuffer(transactionId), 0)
                .addUsername((transport.getIceParameters().getUsernameFragment() + ":peer").getBytes(StandardCharsets.US_ASCII))
                .addPriority(0x6e7f1eff)
                .addIceControlling(1)
                .addMessageIntegrity(StunMessage.newShortTermMac(transport.getIceParameters().getPassword()))
                .addFingerprint();
        byte[] bytes = ByteBufUtil.getBytes(request);
        request.release();
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(bytes.length);
        out.write(bytes);
        out.flush();
        socket.setSoTimeout((int) WAIT.toMillis());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readUnsignedShort()];
        in.readFully(response);
        ByteBuf parsed = Unpooled.wrappedBuffer(response);
        try {
            return StunMessage.parse(parsed).messageClass();
        } finally {
            parsed.release();
        }
    }

    @Test
    void aConnectionThatSendsNothingOrGarbageIsClosedWhileAValidatedOneStays() throws Exception {
        WebRtcTransportInfo transport = createTransport();
        try (WebRtcTestPeer peer = WebRtcTestPeer.tcp(tcpAddress(transport));
                Socket idle = connectFrom("127.0.0.1", tcpAddress(transport));
                Socket garbage = connectFrom("127.0.0.1", tcpAddress(transport))) {
            peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                    transport.getIceParameters().getPassword(), true);
            assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
            // Well-framed, but neither STUN nor from a valid tuple.
            garbage.getOutputStream().write(new byte[] {0, 4, (byte) 0x80, 0, 0, 0});

            assertThat(closedByWorker(idle)).as("idle connection closed").isTrue();
            assertThat(closedByWorker(garbage)).as("garbage connection closed").isTrue();
            // Both were closed after the timeout: the validated one, older, is still served.
            peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                    transport.getIceParameters().getPassword(), false);
            assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
        }
    }

    @Test
    void unvalidatedConnectionsAreCappedPerSourceAndPerWorker() throws Exception {
        WebRtcTransportInfo transport = createTransport();
        InetSocketAddress to = tcpAddress(transport);
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PENDING_PER_SOURCE; i++) {
                held.add(connectFrom("127.0.0.2", to));
            }
            try (Socket overSourceCap = connectFrom("127.0.0.2", to); Socket otherSource = connectFrom("127.0.0.3", to)) {
                // Closed on accept: even a valid check gets no answer (without the cap it would get one).
                assertThatThrownBy(() -> check(overSourceCap, transport)).as("fifth unvalidated connection from one source")
                        .isInstanceOf(IOException.class);
                assertThat(check(otherSource, transport)).as("another source is still served")
                        .isEqualTo(StunMessage.CLASS_SUCCESS_RESPONSE);
            }
            for (Socket socket : held) {
                socket.close();
            }
            held.clear();
            // Fill the worker's cap from many sources, each under its own cap.
            await().atMost(WAIT).until(() -> {
                try (Socket probe = connectFrom("127.0.0.4", to)) {
                    return check(probe, transport) == StunMessage.CLASS_SUCCESS_RESPONSE;
                } catch (IOException e) {
                    return false;
                }
            });
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                Socket socket = connectFrom("127.0.1." + (1 + i / MAX_PENDING_PER_SOURCE), to);
                held.add(socket);
                assertThat(check(socket, transport)).isEqualTo(StunMessage.CLASS_SUCCESS_RESPONSE);
            }
            try (Socket overWorkerCap = connectFrom("127.0.2.1", to)) {
                assertThatThrownBy(() -> check(overWorkerCap, transport)).as("connection over the worker's cap")
                        .isInstanceOf(IOException.class);
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
