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
 *
 * <p>{@code contexts} > 1 is closer to a fan-out: each packet goes through the next of that many
 * send/receive context pairs (each its own key), so per-key state (AES round keys, GHASH tables,
 * HMAC pads, scratch) is no longer hot in the L1/L2 cache as it is with one context.
 *
 * <p>The fork runs with the worker's {@code --add-opens} (AES-GCM on the JDK's GHASH intrinsic);
 * {@code -jvmArgsAppend -Dnone} on the command line replaces it and measures the pure-Java fallback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED")
public class SrtpBenchmark {
    private static final int HEADER = 12;
    private static final int PAYLOAD = 1200;

    @Param({"AES128_CM_HMAC_SHA1_80", "AES128_CM_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"})
    public SrtpProfile profile;

    /** heap: in place on the ByteBuf's array; direct: through the context's scratch copy. */
    @Param({"heap", "direct"})
    public String buffer;

    @Param({"1", "1000"})
    public int contexts;

    private SrtpSendContext[] sends;
    private SrtpReceiveContext[] receives;
    private ByteBuf packet;
    private int sequence;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        sends = new SrtpSendContext[contexts];
        receives = new SrtpReceiveContext[contexts];
        for (int c = 0; c < contexts; c++) {
            byte[] key = new byte[profile.keyLength()];
            byte[] salt = new byte[profile.saltLength()];
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) (i + 1 + c);
            }
            sends[c] = new SrtpSendContext(profile, key, salt);
            receives[c] = new SrtpReceiveContext(profile, key, salt);
        }
        int capacity = HEADER + PAYLOAD + sends[0].maxOverhead();
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

    /** The next context pair; its sequence number advances once per round over all contexts. */
    private int nextContext() {
        int c = next;
        next = c + 1 == contexts ? 0 : c + 1;
        if (c == 0) {
            sequence = (sequence + 1) & 0xFFFF;
            packet.setShort(2, sequence);
        }
        packet.writerIndex(HEADER + PAYLOAD);
        return c;
    }

    @Benchmark
    public boolean protectRtp() {
        return sends[nextContext()].protectRtp(packet);
    }

    @Benchmark
    public boolean protectThenUnprotectRtp() {
        int c = nextContext();
        return sends[c].protectRtp(packet) & receives[c].unprotectRtp(packet);
    }
}
