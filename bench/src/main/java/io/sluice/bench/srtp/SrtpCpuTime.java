package io.sluice.bench.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import java.lang.management.ManagementFactory;

/**
 * The JMH benchmark's work timed the way bench/native/srtp_openssl.c times it: best of 5 rounds of
 * 200,000 packets, in wall time and in this thread's CPU time. On a shared machine the CPU time
 * is the steadier figure (waiting for a core is not counted), so Java and C are compared on it
 * too. Prints the same columns as the C program.
 */
public final class SrtpCpuTime {
    private static final int PAYLOAD = 1200;
    private static final int WARM_UP = 50_000;
    private static final int PACKETS = 200_000;
    private static final int ROUNDS = 5;

    private SrtpCpuTime() {
    }

    public static void main(String[] args) {
        System.out.printf("# Java %s, %d-byte payload, heap ByteBuf, best of %d rounds of %d packets, ns per packet%n",
                Runtime.version(), PAYLOAD, ROUNDS, PACKETS);
        System.out.printf("%-24s %12s %12s %16s %16s%n", "profile", "protect_wall", "protect_cpu", "round_trip_wall", "round_trip_cpu");
        for (SrtpProfile profile : SrtpProfile.values()) {
            double[] protect = run(profile, false);
            double[] roundTrip = run(profile, true);
            System.out.printf("%-24s %12.1f %12.1f %16.1f %16.1f%n", profile, protect[0], protect[1], roundTrip[0], roundTrip[1]);
        }
    }

    private static double[] run(SrtpProfile profile, boolean roundTrip) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        SrtpSendContext send = new SrtpSendContext(profile, key, salt);
        SrtpReceiveContext receive = new SrtpReceiveContext(profile, key, salt);
        ByteBuf packet = Unpooled.buffer(12 + PAYLOAD + send.maxOverhead());
        packet.writeBytes(new byte[] {(byte) 0x80, 96, 0, 0, 0, 0, 0x10, 0, 0x12, 0x34, 0x56, 0x78});
        packet.writeZero(PAYLOAD);
        double bestWall = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        int sequence = 0;
        for (int round = 0; round <= ROUNDS; round++) {
            int count = round == 0 ? WARM_UP : PACKETS;
            long wallStart = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
                sequence = (sequence + 1) & 0xFFFF;
                packet.setShort(2, sequence);
                packet.writerIndex(12 + PAYLOAD);
                boolean ok = send.protectRtp(packet) && (!roundTrip || receive.unprotectRtp(packet));
                if (!ok) {
                    throw new IllegalStateException("round trip failed at " + sequence);
                }
            }
            double wall = (System.nanoTime() - wallStart) / (double) count;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / (double) count;
            if (round > 0) {
                bestWall = Math.min(bestWall, wall);
                bestCpu = Math.min(bestCpu, cpu);
            }
        }
        packet.release();
        return new double[] {bestWall, bestCpu};
    }
}
