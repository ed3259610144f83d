package io.sluice.bench.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The JMH benchmark's work timed the way bench/native/srtp_openssl.c times it: rounds of 200,000
 * packets, in wall time and in this thread's CPU time, best and median of the rounds. On a shared
 * machine the CPU time is the steadier figure (waiting for a core is not counted), so Java and C
 * are compared on it too. Arguments: the numbers of contexts to cycle through (default 1 and 1000;
 * see {@link SrtpBenchmark} for why), then optionally the profiles. Prints one line per profile,
 * number of contexts and operation.
 */
public final class SrtpCpuTime {
    private static final int PAYLOAD = 1200;
    private static final int WARM_UP = 50_000;
    private static final int PACKETS = 50_000;
    private static final int ROUNDS = 7;

    private SrtpCpuTime() {
    }

    public static void main(String[] args) {
        int[] contextCounts = Arrays.stream(args).filter(a -> a.matches("\\d+")).mapToInt(Integer::parseInt).toArray();
        SrtpProfile[] profiles = Arrays.stream(args).filter(a -> !a.matches("\\d+")).map(SrtpProfile::valueOf)
                .toArray(SrtpProfile[]::new);
        if (contextCounts.length == 0) {
            contextCounts = new int[] {1, 1000};
        }
        if (profiles.length == 0) {
            profiles = SrtpProfile.values();
        }
        System.out.printf("# Java %s, %d-byte payload, heap ByteBuf, %d rounds of %d packets, ns per packet%n",
                Runtime.version(), PAYLOAD, ROUNDS, PACKETS);
        System.out.printf("%-24s %8s %-11s %9s %9s %9s %9s%n",
                "profile", "contexts", "operation", "cpu_best", "cpu_med", "wall_best", "wall_med");
        for (int contexts : contextCounts) {
            for (SrtpProfile profile : profiles) {
                for (boolean roundTrip : new boolean[] {false, true}) {
                    double[] r = run(profile, contexts, roundTrip);
                    System.out.printf("%-24s %8d %-11s %9.0f %9.0f %9.0f %9.0f%n", profile, contexts,
                            roundTrip ? "round_trip" : "protect", r[0], r[1], r[2], r[3]);
                }
            }
        }
    }

    /** Best and median CPU, best and median wall, ns per packet. */
    private static double[] run(SrtpProfile profile, int contexts, boolean roundTrip) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SrtpSendContext[] sends = new SrtpSendContext[contexts];
        SrtpReceiveContext[] receives = new SrtpReceiveContext[contexts];
        for (int c = 0; c < contexts; c++) {
            byte[] key = new byte[profile.keyLength()];
            byte[] salt = new byte[profile.saltLength()];
            key[0] = (byte) c;
            key[1] = (byte) (c >>> 8);
            sends[c] = new SrtpSendContext(profile, key, salt);
            receives[c] = new SrtpReceiveContext(profile, key, salt);
        }
        ByteBuf packet = Unpooled.buffer(12 + PAYLOAD + sends[0].maxOverhead());
        packet.writeBytes(new byte[] {(byte) 0x80, 96, 0, 0, 0, 0, 0x10, 0, 0x12, 0x34, 0x56, 0x78});
        packet.writeZero(PAYLOAD);
        double[] wall = new double[ROUNDS];
        double[] cpu = new double[ROUNDS];
        int sequence = 0;
        int c = 0;
        for (int round = -1; round < ROUNDS; round++) {
            int count = round < 0 ? WARM_UP : PACKETS;
            long wallStart = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                if (c == 0) {
                    sequence = (sequence + 1) & 0xFFFF;
                    packet.setShort(2, sequence);
                }
                packet.writerIndex(12 + PAYLOAD);
                boolean ok = sends[c].protectRtp(packet) && (!roundTrip || receives[c].unprotectRtp(packet));
                if (!ok) {
                    throw new IllegalStateException("round trip failed at " + sequence);
                }
                c = c + 1 == contexts ? 0 : c + 1;
            }
            if (round >= 0) {
                wall[round] = (System.nanoTime() - wallStart) / (double) count;
                cpu[round] = (threads.getCurrentThreadCpuTime() - cpuStart) / (double) count;
            }
        }
        packet.release();
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[] {cpu[0], cpu[ROUNDS / 2], wall[0], wall[ROUNDS / 2]};
    }
}
