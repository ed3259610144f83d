package io.sluice.worker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class ExternalServicesSmokeTest {

    @Test
    void natsServerStartsAndRestartsOnTheSamePort() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start()) {
            int port = nats.port();
            nats.kill();
            nats.startAgain();
            assertThat(nats.port()).isEqualTo(port);
            try (Socket socket = new Socket("127.0.0.1", port)) {
                byte[] info = socket.getInputStream().readNBytes(4);
                assertThat(new String(info)).isEqualTo("INFO");
            }
        }
    }

    @Test
    void redisServerAnswersPing() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                Socket socket = new Socket("127.0.0.1", redis.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes());
            out.flush();
            assertThat(new String(socket.getInputStream().readNBytes(7))).isEqualTo("+PONG\r\n");
        }
    }
}
