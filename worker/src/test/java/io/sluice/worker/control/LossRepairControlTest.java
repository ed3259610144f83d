package io.sluice.worker.control;

import static io.sluice.worker.control.LoopbackUdp.isRtcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.worker.router.ortc.CodecMatcher;
import io.sluice.worker.rtcp.FeedbackRtpNack;
import io.sluice.worker.rtcp.RtcpCompoundIterator;
import io.sluice.worker.rtcp.RtcpHeader;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Loss repair end to end on a real worker over NATS, with real UDP on loopback. A Java sender
 * sends numbered RTP to a comedia plain transport through a relay that drops chosen sequence
 * numbers the first time: the worker NACKs exactly those (RFC 4585 §6.2.1), the sender answers
 * with RTX (RFC 4588 §4), and the receiver behind a consumer's plain transport gets every sequence
 * number exactly once. Then the receiver NACKs packets it claims to have lost and gets them again
 * as RTX from the consumer's retransmission buffer.
 */
@ExtendWith(SharedWorker.class)
class LossRepairControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int VIDEO_SSRC = 0x0A0B0C0D;
    private static final int RTX_SSRC = 0x0E0F1011;
    private static final int VIDEO_PT = 101;
    private static final int RTX_PT = 102;
    private static final int PACKETS = 200;
    /**
     * Dropped once each on the way to the worker. 199 is the last gap: the sender goes quiet after
     * 200, so only the worker's NACK timer can ask for it.
     */
    private static final Set<Integer> DROPPED = Set.of(20, 21, 22, 90, 150, 199);
    /** Its first RTX is dropped too: the worker must ask again one RTT later. */
    private static final int RTX_LOST_ONCE = 90;
    /**
     * Sent after the repairs; the receiver claims to have lost three of them. The consumer keeps a
     * packet 2 s (RetransmissionBuffer.DEFAULT_MAX_AGE_MS, as mediasoup): the receiver NACKs as soon
     * as the last of them arrives, whatever the repairs before took on a busy machine.
     */
    private static final int LAST_BURST = 30;
    /** Two in one NACK item (PID and a BLP bit), one in a second item (RFC 4585 §6.2.1). */
    private static final int[] CLAIMED_LOST = {PACKETS + 1, PACKETS + 2, PACKETS + LAST_BURST};

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;
    private final LoopbackUdp udp = new LoopbackUdp();

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
    }

    @AfterEach
    void closeSockets() throws InterruptedException {
        udp.close();
    }

    /** VP8 with generic NACK (RFC 4585 §4.2) and its RTX (RFC 4588 §8.6: apt). */
    private static RtpParameters producerParameters() {
        return RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(VIDEO_PT)
                        .setClockRate(90000).addRtcpFeedback(RtcpFeedback.newBuilder().setType("nack")))
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/rtx").setPayloadType(RTX_PT)
                        .setClockRate(90000)
                        .putParameters("apt", ParameterValue.newBuilder().setIntValue(VIDEO_PT).build()))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(VIDEO_SSRC)
                        .setRtx(RtxParameters.newBuilder().setSsrc(RTX_SSRC)))
                .setRtcp(RtcpParameters.newBuilder().setCname("java-sender"))
                .build();
    }

    private static byte[] rtp(int payloadType, int sequenceNumber, int ssrc, byte[] payload) {
        return ByteBuffer.allocate(12 + payload.length)
                .put((byte) 0x80).put((byte) payloadType).putShort((short) sequenceNumber)
                .putInt(sequenceNumber * 3000).putInt(ssrc).put(payload).array();
    }

    /** A payload that names its packet: its number, then bytes derived from it. */
    /**
     * Where the payload starts (RFC 3550 §5.1, §5.3.1): after the CSRCs and the header extension,
     * which the worker's consumer adds (the transport-wide sequence number, RFC 8285) when the
     * forwarded packet has none.
     */
    private static int payloadOffset(byte[] datagram) {
        int offset = 12 + 4 * (datagram[0] & 0x0F);
        if ((datagram[0] & 0x10) != 0) {
            offset += 4 + 4 * (((datagram[offset + 2] & 0xFF) << 8) | (datagram[offset + 3] & 0xFF));
        }
        return offset;
    }

    private static byte[] payload(int sequenceNumber) {
        ByteBuffer payload = ByteBuffer.allocate(100).putInt(sequenceNumber);
        while (payload.hasRemaining()) {
            payload.put((byte) (sequenceNumber + payload.position()));
        }
        return payload.array();
    }

    /** Every sequence number the generic NACKs in {@code datagram} name for {@code mediaSsrc}. */
    private static List<Integer> nackedSequenceNumbers(byte[] datagram, long mediaSsrc) {
        List<Integer> lost = new ArrayList<>();
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        RtcpCompoundIterator iterator = new RtcpCompoundIterator().reset(buf);
        while (iterator.next()) {
            if (iterator.packetType() == RtcpHeader.TYPE_RTPFB && iterator.count() == FeedbackRtpNack.FMT) {
                FeedbackRtpNack nack = FeedbackRtpNack.parse(buf, iterator.offset(), iterator.packetLength());
                if (nack != null && nack.mediaSsrc() == mediaSsrc) {
                    Arrays.stream(nack.lostSequenceNumbers()).forEach(lost::add);
                }
            }
        }
        buf.release();
        return lost;
    }

    @Test
    void lostPacketsAreNackedRepairedByRtxAndTheConsumerResendsWhatItsReceiverLost() throws Exception {
        String routerId = worker.createRouter("nack-room");
        RtpCapabilities capabilities = worker.routerCapabilities(routerId);
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true);
        String producerId = worker.produce(sending.getId(), MediaKind.VIDEO, producerParameters());

        DatagramSocket receiver = udp.socket();
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, false);
        worker.connectPlainTransport(receiving.getId(), receiver.getLocalPort());
        TransportConsumeResponse consumer = client.call(workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                        .setTransportId(receiving.getId()).setProducerId(producerId).setRtpCapabilities(capabilities)
                        .build())
                .as(TransportConsumeResponse.parser());
        RtpParameters consumed = consumer.getRtpParameters();
        long consumerSsrc = Integer.toUnsignedLong(consumed.getEncodings(0).getSsrc());
        assertThat(consumed.getEncodings(0).hasRtx()).as("the consumer offers RTX").isTrue();
        long consumerRtxSsrc = Integer.toUnsignedLong(consumed.getEncodings(0).getRtx().getSsrc());
        int consumerRtxPt = consumed.getCodecsList().stream().filter(codec -> CodecMatcher.isRtx(codec.getMimeType()))
                .findFirst().orElseThrow().getPayloadType();

        // The receiver: media by sequence number (each one's payload), and what comes as RTX.
        Map<Integer, byte[]> received = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        Map<Integer, byte[]> receivedRtx = new ConcurrentHashMap<>();
        CountDownLatch lastBurstReceived = new CountDownLatch(LAST_BURST);
        udp.onDatagrams("receiver", receiver, (datagram, from) -> {
            if (isRtcp(datagram)) {
                return;
            }
            ByteBuffer packet = ByteBuffer.wrap(datagram);
            int sequenceNumber = packet.getShort(2) & 0xFFFF;
            long ssrc = Integer.toUnsignedLong(packet.getInt(8));
            if (ssrc == consumerSsrc) {
                if (received.put(sequenceNumber, Arrays.copyOfRange(datagram, payloadOffset(datagram), datagram.length))
                        != null) {
                    duplicates.incrementAndGet();
                } else if (sequenceNumber > PACKETS) {
                    lastBurstReceived.countDown();
                }
            } else if (ssrc == consumerRtxSsrc && (datagram[1] & 0x7F) == consumerRtxPt) {
                int offset = payloadOffset(datagram);
                int originalSequenceNumber = packet.getShort(offset) & 0xFFFF;
                receivedRtx.put(originalSequenceNumber, Arrays.copyOfRange(datagram, offset + 2, datagram.length));
            }
        });

        // The relay between sender and worker drops each chosen packet once.
        DatagramSocket sender = udp.socket();
        DatagramSocket relay = udp.socket();
        InetSocketAddress workerAddress = new InetSocketAddress("127.0.0.1", sending.getTuple().getLocalPort());
        Set<Integer> droppedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger rtxDropped = new AtomicInteger();
        udp.onDatagrams("relay", relay, (datagram, from) -> {
            if (from.getPort() == sender.getLocalPort()) {
                ByteBuffer packet = ByteBuffer.wrap(datagram);
                int sequenceNumber = packet.getShort(2) & 0xFFFF;
                if (!isRtcp(datagram) && packet.getInt(8) == VIDEO_SSRC && DROPPED.contains(sequenceNumber)
                        && droppedOnce.add(sequenceNumber)) {
                    return;
                }
                if (!isRtcp(datagram) && packet.getInt(8) == RTX_SSRC
                        && (packet.getShort(12) & 0xFFFF) == RTX_LOST_ONCE && rtxDropped.getAndIncrement() == 0) {
                    return;
                }
                relay.send(new DatagramPacket(datagram, datagram.length, workerAddress));
            } else {
                relay.send(new DatagramPacket(datagram, datagram.length, sender.getLocalSocketAddress()));
            }
        });

        // The sender answers each NACK with RTX packets of its own numbering.
        List<Integer> nacked = new CopyOnWriteArrayList<>();
        AtomicInteger rtxSequenceNumber = new AtomicInteger(5000);
        udp.onDatagrams("sender-feedback", sender, (datagram, from) -> {
            if (!isRtcp(datagram)) {
                return;
            }
            for (int lost : nackedSequenceNumbers(datagram, Integer.toUnsignedLong(VIDEO_SSRC))) {
                nacked.add(lost);
                byte[] original = payload(lost);
                byte[] withOsn = ByteBuffer.allocate(2 + original.length).putShort((short) lost).put(original).array();
                byte[] rtx = rtp(RTX_PT, rtxSequenceNumber.getAndIncrement(), RTX_SSRC, withOsn);
                sender.send(new DatagramPacket(rtx, rtx.length, relay.getLocalSocketAddress()));
            }
        });

        for (int sequenceNumber = 1; sequenceNumber <= PACKETS; sequenceNumber++) {
            byte[] packet = rtp(VIDEO_PT, sequenceNumber, VIDEO_SSRC, payload(sequenceNumber));
            sender.send(new DatagramPacket(packet, packet.length, relay.getLocalSocketAddress()));
            Thread.sleep(2);
        }

        Set<Integer> all = IntStream.rangeClosed(1, PACKETS).boxed().collect(Collectors.toSet());
        await().atMost(WAIT).untilAsserted(() -> assertThat(received.keySet()).isEqualTo(all));
        assertThat(droppedOnce).isEqualTo(DROPPED);
        assertThat(Set.copyOf(nacked)).as("the worker NACKed exactly what the relay dropped").isEqualTo(DROPPED);
        assertThat(nacked.stream().filter(lost -> lost == RTX_LOST_ONCE).count())
                .as("NACKed again when its first RTX was lost").isGreaterThanOrEqualTo(2);
        assertThat(duplicates).as("each sequence number reaches the consumer's receiver once").hasValue(0);
        for (int sequenceNumber : all) {
            assertThat(received.get(sequenceNumber)).as("payload of %d", sequenceNumber).isEqualTo(payload(sequenceNumber));
        }

        // The receiver now claims it lost three packets of a last burst: the consumer resends them as RTX.
        for (int sequenceNumber = PACKETS + 1; sequenceNumber <= PACKETS + LAST_BURST; sequenceNumber++) {
            byte[] packet = rtp(VIDEO_PT, sequenceNumber, VIDEO_SSRC, payload(sequenceNumber));
            sender.send(new DatagramPacket(packet, packet.length, relay.getLocalSocketAddress()));
        }
        int[] claimedLost = CLAIMED_LOST;
        FeedbackRtpNack nack = FeedbackRtpNack.ofLostSequenceNumbers(0x1234, consumerSsrc, claimedLost);
        ByteBuf rtcp = Unpooled.buffer(nack.serializedLength());
        nack.writeTo(rtcp);
        byte[] nackBytes = new byte[rtcp.readableBytes()];
        rtcp.readBytes(nackBytes);
        rtcp.release();
        InetSocketAddress consumerSide = new InetSocketAddress("127.0.0.1", receiving.getTuple().getLocalPort());
        assertThat(lastBurstReceived.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the last burst arrived").isTrue();
        receiver.send(new DatagramPacket(nackBytes, nackBytes.length, consumerSide));

        await().atMost(WAIT).untilAsserted(() -> assertThat(receivedRtx.keySet())
                .containsExactlyInAnyOrder(CLAIMED_LOST[0], CLAIMED_LOST[1], CLAIMED_LOST[2]));
        for (int lost : claimedLost) {
            assertThat(receivedRtx.get(lost)).as("RTX of %d carries its payload", lost).isEqualTo(payload(lost));
        }
        ConsumerGetStatsResponse stats = worker.consumerStats(consumer.getConsumerId());
        assertThat(stats.getStats().getPacketsSent()).isEqualTo(PACKETS + LAST_BURST);
    }
}
