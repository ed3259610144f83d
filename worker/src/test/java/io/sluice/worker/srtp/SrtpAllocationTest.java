package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The hot path allocates nothing: 10,000 SRTP and SRTCP round trips after a warm-up, measured with
 * the JVM's per-thread allocation counter (a count of bytes, not a timing, so the machine's load
 * does not matter). The bound leaves room for stray one-off objects of the JVM (32 bytes to 1 KiB
 * were seen), well below one byte per packet.
 */
class SrtpAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;
    /** One object per packet would be at least 16 B x 40,000 operations = 640 KB; one-off JVM objects are far smaller. */
    private static final long TOLERATED_BYTES = 16_384;

    @ParameterizedTest(name = "{0} direct={1}")
    @CsvSource({
        "AES128_CM_HMAC_SHA1_80, false", "AES128_CM_HMAC_SHA1_80, true",
        "AES128_CM_HMAC_SHA1_32, false",
        "AEAD_AES_128_GCM, false", "AEAD_AES_128_GCM, true",
        "AEAD_AES_256_GCM, false", "AEAD_AES_256_GCM, true"})
    void protectAndUnprotectAllocateNothingPerPacket(SrtpProfile profile, boolean direct) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        SrtpSendContext send = new SrtpSendContext(profile, key, salt);
        SrtpReceiveContext receive = new SrtpReceiveContext(profile, key, salt);
        byte[] rtp = SrtpContextsTest.rtpWithCsrcsAndExtension(0, 0x1234, 1200);
        byte[] rtcp = SrtpContextsTest.rtcp(0x1234);
        ByteBuf buf = direct ? Unpooled.directBuffer(1500) : Unpooled.buffer(1500);
        // Under -Dio.netty.leakDetection.level=paranoid a direct buffer comes wrapped in a leak
        // tracker that records a stack trace on every access; measure the buffer itself.
        ByteBuf packet = buf.unwrap() != null ? buf.unwrap() : buf;
        try {
            roundTrips(send, receive, packet, rtp, rtcp, 0, WARM_UP);
            long before = threads.getCurrentThreadAllocatedBytes();
            roundTrips(send, receive, packet, rtp, rtcp, WARM_UP, MEASURED);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(allocated).as("bytes allocated over %d SRTP + %d SRTCP round trips", MEASURED, MEASURED)
                    .isLessThan(TOLERATED_BYTES);
        } finally {
            buf.release();
        }
        assertThat(buf.refCnt()).isZero();
    }

    /** AES-GCM on each GHASH: the JDK's (reached through method handles) and the tables of the fallback. */
    @ParameterizedTest(name = "{0}-byte key, JDK GHASH={1}")
    @CsvSource({"16, true", "32, true", "16, false", "32, false"})
    void aesGcmAllocatesNothingPerPacketOnEitherGhash(int keyLength, boolean jdkGhash) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] key = new byte[keyLength];
        byte[] salt = new byte[12];
        SrtpSessionKeys keys = new SrtpSessionKeys(key, new byte[0], salt, key, new byte[0], salt);
        AesGcmTransform gcm = jdkGhash
                ? new AesGcmTransform(keys, JdkGhash::new, JdkGhash::new)
                : new AesGcmTransform(keys, TableGhash::wide, TableGhash::narrow);
        byte[] packet = SrtpContextsTest.rtpWithCsrcsAndExtension(0, 0x1234, 1200);
        byte[] a = java.util.Arrays.copyOf(packet, packet.length + AesGcmTransform.TAG_LENGTH);
        int headerLength = packet.length - 1200;
        transformRoundTrips(gcm, a, headerLength, packet.length, WARM_UP);
        long before = threads.getCurrentThreadAllocatedBytes();
        transformRoundTrips(gcm, a, headerLength, packet.length, MEASURED);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated over %d AES-GCM round trips", MEASURED).isLessThan(TOLERATED_BYTES);
    }

    private static void transformRoundTrips(AesGcmTransform gcm, byte[] a, int headerLength, int length, int count) {
        for (int i = 0; i < count; i++) {
            gcm.protectRtp(a, 0, headerLength, length, 0x1234, i);
            if (!gcm.unprotectRtp(a, 0, headerLength, length, 0x1234, i)) {
                throw new AssertionError("AES-GCM round trip failed at " + i);
            }
        }
    }

    private static void roundTrips(SrtpSendContext send, SrtpReceiveContext receive, ByteBuf buf,
                                   byte[] rtp, byte[] rtcp, int firstSequence, int count) {
        for (int i = 0; i < count; i++) {
            int sequence = (firstSequence + i) & 0xFFFF;
            rtp[2] = (byte) (sequence >>> 8);
            rtp[3] = (byte) sequence;
            buf.clear().writeBytes(rtp);
            if (!send.protectRtp(buf) || !receive.unprotectRtp(buf)) {
                throw new AssertionError("SRTP round trip failed at " + sequence);
            }
            buf.clear().writeBytes(rtcp);
            if (!send.protectRtcp(buf) || !receive.unprotectRtcp(buf)) {
                throw new AssertionError("SRTCP round trip failed at " + i);
            }
        }
    }
}
