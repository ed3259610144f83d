package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerLoad;
import io.sluice.api.v1.WorkerOverload;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker of its own, over real NATS and UDP, whose input arrives late: a sender whose RTP
 * timestamps fall 300 ms behind its clock looks to the worker exactly like a stream that queued
 * 300 ms before its loop read it. The worker announces the overload on NATS, drops the late
 * packets, pauses the consumer and says so in its load; when the input is on time again it gives
 * the consumer back and announces the end.
 */
class WorkerOverloadControlTest {

    private static final int SSRC = 0x0BAD_F00D;
    private static final int PACKETS_PER_SECOND = 400;
    private static final long LATE_MS = 300;

    private static RunningWorker worker;

    @BeforeAll
    static void start() throws Exception {
        worker = RunningWorker.start("overload", 49_600, 49_699, "sluice.event.>");
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
    }

    @Test
    void lateInputIsAnnouncedDroppedAndShedThenGivenBack() throws Exception {
        String routerId = worker.createRouter("overload-room");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true);
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, false);
        String producerId = worker.client.call(worker.workerId, "transport.produce", TransportProduceRequest.newBuilder()
                        .setTransportId(sending.getId()).setKind(MediaKind.VIDEO).setRtpParameters(vp8(SSRC)).build())
                .as(TransportProduceResponse.parser()).getProducerId();
        String consumerId = worker.client.call(worker.workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                        .setTransportId(receiving.getId()).setProducerId(producerId)
                        .setRtpCapabilities(worker.routerCapabilities(routerId)).build())
                .as(TransportConsumeResponse.parser()).getConsumerId();
        AtomicLong lateByMs = new AtomicLong();
        AtomicBoolean sendingOn = new AtomicBoolean(true);
        Thread sender = Thread.ofPlatform().name("late-sender").start(
                () -> send(sending.getTuple().getLocalPort(), lateByMs, sendingOn));
        try {
            // On time: the stream's least transit becomes the base of the worker's estimate.
            await().atMost(Patience.WAIT).until(() -> worker.producerStats(producerId).getStats().getPacketsReceived() > 200);

            lateByMs.set(LATE_MS);
            await().atMost(Patience.WAIT).until(() -> overloadEvents().stream()
                    .anyMatch(event -> event.getPausedConsumerIdsList().contains(consumerId)));
            WorkerOverload shed = overloadEvents().stream()
                    .filter(event -> event.getPausedConsumerIdsList().contains(consumerId)).findFirst().orElseThrow();
            assertThat(shed.getOverloaded()).isTrue();
            assertThat(shed.getShedLevel()).isEqualTo(1);
            assertThat(shed.getShedSteps()).as("one simple consumer: one step").isEqualTo(1);
            assertThat(shed.getMaxInputDelayMs()).isEqualTo(100);
            WorkerLoad load = dump().getLoad();
            assertThat(load.getOverloaded()).isTrue();
            assertThat(load.getConsumersShed()).isEqualTo(1);
            await().atMost(Patience.WAIT).until(() -> dump().getLoad().getLatePacketsDropped() > 0);

            lateByMs.set(0);
            await().atMost(Patience.WAIT).until(() -> !overloadEvents().getLast().getOverloaded());
            assertThat(overloadEvents().getLast().getShedLevel()).isZero();
            assertThat(overloadEvents().getLast().getPausedConsumerIdsList()).isEmpty();
            assertThat(dump().getLoad().getOverloaded()).isFalse();
            assertThat(dump().getLoad().getConsumersShed()).isZero();
        } finally {
            sendingOn.set(false);
            sender.join();
        }
    }

    private static List<WorkerOverload> overloadEvents() {
        return worker.events.stream().filter(Event::hasWorkerOverload).map(Event::getWorkerOverload).toList();
    }

    private static WorkerDumpResponse dump() throws InterruptedException {
        return worker.client.call(worker.workerId, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser());
    }

    private static RtpParameters vp8(int ssrc) {
        return RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101).setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .setRtcp(RtcpParameters.newBuilder().setCname("late"))
                .build();
    }

    /** Plain RTP at a steady pace, each packet stamped with the send time less {@code lateByMs}. */
    private static void send(int port, AtomicLong lateByMs, AtomicBoolean on) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
            ByteBuffer packet = ByteBuffer.allocate(12 + 100);
            long start = System.nanoTime();
            long period = 1_000_000_000L / PACKETS_PER_SECOND;
            for (int sequence = 0; on.get(); sequence++) {
                LockSupport.parkNanos(start + sequence * period - System.nanoTime());
                long sampledMs = System.nanoTime() / 1_000_000 - lateByMs.get();
                packet.clear();
                packet.put((byte) 0x80).put((byte) 101).putShort((short) sequence)
                        .putInt((int) (sampledMs * 90)).putInt(SSRC)
                        // VP8 payload descriptor (RFC 7741 §4.2): S=1, partition 0; then a key frame's first byte.
                        .put((byte) 0x10).put((byte) 0x00);
                socket.send(new DatagramPacket(packet.array(), packet.capacity(), to));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
