package io.sluice.bench.srtp;

import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Sluice's own GCM is compared with: the JDK's {@code AES/GCM/NoPadding}, which must be
 * re-initialised with a new {@link GCMParameterSpec} for every packet (it refuses a repeated IV on
 * encryption). Same 12-byte AAD and 1200-byte payload as {@link SrtpBenchmark}; with
 * {@code -prof gc} it shows the per-packet allocation that made Sluice build GCM itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JceGcmReferenceBenchmark {
    @Param({"16", "32"})
    public int keyLength;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] iv = new byte[12];
    private final byte[] packet = new byte[12 + 1200 + 16];
    private int counter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        key = new SecretKeySpec(new byte[keyLength], "AES");
    }

    @Benchmark
    public int sealOnePacket() throws Exception {
        counter++;
        iv[8] = (byte) (counter >>> 24);
        iv[9] = (byte) (counter >>> 16);
        iv[10] = (byte) (counter >>> 8);
        iv[11] = (byte) counter;
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(packet, 0, 12);
        return cipher.doFinal(packet, 12, 1200, packet, 12);
    }
}
