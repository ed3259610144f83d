package io.sluice.bench.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.worker.rtp.RtpPacket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a consumer does to each forwarded packet: wrap a 1200-byte RTP packet (one-byte header
 * extensions: mid, abs-send-time, transport-wide sequence number) and rewrite SSRC, payload
 * type, sequence number, timestamp and one extension id in place. Run with {@code -prof gc}: the
 * allocation per operation must be 0 B.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RtpRewriteBenchmark {

    private static final int PACKET_LENGTH = 1200;
    private static final int MID_ID = 1;
    private static final int ABS_SEND_TIME_ID = 2;
    private static final int PRODUCER_TRANSPORT_CC_ID = 3;
    private static final int CONSUMER_TRANSPORT_CC_ID = 5;

    @Param({"direct", "heap"})
    public String buffer;

    private ByteBuf packetBuffer;
    private final RtpPacket packet = new RtpPacket();
    private int sequenceNumber;
    private long timestamp;
    private boolean mapped;

    @Setup(Level.Trial)
    public void setUp() {
        packetBuffer = "direct".equals(buffer)
                ? PooledByteBufAllocator.DEFAULT.directBuffer(PACKET_LENGTH)
                : PooledByteBufAllocator.DEFAULT.heapBuffer(PACKET_LENGTH);
        packetBuffer.writeByte(0x90);           // V=2, X=1, CC=0
        packetBuffer.writeByte(96);             // PT=96
        packetBuffer.writeShort(1000);
        packetBuffer.writeInt(90_000);
        packetBuffer.writeInt(0x11223344);
        packetBuffer.writeShort(RtpPacket.ONE_BYTE_EXTENSION_PROFILE);
        packetBuffer.writeShort(3);             // 3 words of elements
        packetBuffer.writeByte(MID_ID << 4);    // mid "0"
        packetBuffer.writeByte('0');
        packetBuffer.writeByte((ABS_SEND_TIME_ID << 4) | 2);
        packetBuffer.writeMedium(0x123456);
        packetBuffer.writeByte((PRODUCER_TRANSPORT_CC_ID << 4) | 1);
        packetBuffer.writeShort(7);
        packetBuffer.writeZero(3);              // padding to the word
        while (packetBuffer.writerIndex() < PACKET_LENGTH) {
            packetBuffer.writeByte(packetBuffer.writerIndex());
        }
        if (!packet.wrap(packetBuffer)) {
            throw new IllegalStateException("benchmark packet does not parse");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packetBuffer.release();
    }

    @Benchmark
    public int parseAndRewrite() {
        if (!packet.wrap(packetBuffer)) {
            return -1;
        }
        packet.setSsrc(0xaabbccddL);
        packet.setPayloadType(101);
        packet.setSequenceNumber(++sequenceNumber);
        timestamp += 3000;
        packet.setTimestamp(timestamp);
        // The id goes back and forth so that every invocation finds the element to rewrite.
        int from = mapped ? CONSUMER_TRANSPORT_CC_ID : PRODUCER_TRANSPORT_CC_ID;
        int to = mapped ? PRODUCER_TRANSPORT_CC_ID : CONSUMER_TRANSPORT_CC_ID;
        mapped = !mapped;
        if (!packet.setExtensionId(from, to)) {
            return -2;
        }
        return packet.payloadLength();
    }
}
