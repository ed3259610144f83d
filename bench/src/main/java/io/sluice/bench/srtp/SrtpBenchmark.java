package io.sluice.bench.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
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
 * SRTP per packet, the same work as bench/native/srtp_openssl.c: a 12-byte RTP header and a
 * 1200-byte payload. {@code protectRtp} encrypts and tags one packet (the buffer is re-protected
 * each time under the next sequence number, so no copy is timed); {@code protectThenUnprotectRtp}
 * adds what the receiver does (verify, replay check, decrypt). Unprotect alone is the difference.
 * Run with {@code -prof gc}: gc.alloc.rate.norm is the allocation per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SrtpBenchmark {
    private static final int HEADER = 12;
    private static final int PAYLOAD = 1200;

    @Param({"AES128_CM_HMAC_SHA1_80", "AES128_CM_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"})
    public SrtpProfile profile;

    /** heap: in place on the ByteBuf's array; direct: through the context's scratch copy. */
    @Param({"heap", "direct"})
    public String buffer;

    private SrtpSendContext send;
    private SrtpReceiveContext receive;
    private ByteBuf packet;
    private int sequence;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        send = new SrtpSendContext(profile, key, salt);
        receive = new SrtpReceiveContext(profile, key, salt);
        int capacity = HEADER + PAYLOAD + send.maxOverhead();
        packet = buffer.equals("direct") ? Unpooled.directBuffer(capacity) : Unpooled.buffer(capacity);
        packet.writeBytes(new byte[] {(byte) 0x80, 96, 0, 0, 0, 0, 0x10, 0, 0x12, 0x34, 0x56, 0x78});
        for (int i = 0; i < PAYLOAD; i++) {
            packet.writeByte(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
    }

    private void nextSequence() {
        sequence = (sequence + 1) & 0xFFFF;
        packet.setShort(2, sequence);
        packet.writerIndex(HEADER + PAYLOAD);
    }

    @Benchmark
    public boolean protectRtp() {
        nextSequence();
        return send.protectRtp(packet);
    }

    @Benchmark
    public boolean protectThenUnprotectRtp() {
        nextSequence();
        return send.protectRtp(packet) & receive.unprotectRtp(packet);
    }
}
