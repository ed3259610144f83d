package io.sluice.worker.fuzz;

import static io.sluice.worker.fuzz.FuzzInputs.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.worker.srtp.SrtpProfile;
import io.sluice.worker.srtp.SrtpReceiveContext;
import io.sluice.worker.srtp.SrtpSendContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SRTP and SRTCP unprotect (RFC 3711 §3.3 and §3.4, RFC 7714 AEAD) in every profile: a packet
 * mutated after protection, or protected after mutation (a valid tag over a strange header), or
 * random bytes, is refused or accepted, never thrown on, and the buffer stays the caller's.
 */
class SrtpFuzzTest {

    private static final byte[] RTP = hex("9060 1234 00000001 11223344 BEDE0001 10 ff 0000 00112233445566778899aabbccddeeff");
    private static final byte[] RTCP = RtcpFuzzTest.SEEDS[0];

    @Test
    void unprotectNeverThrowsInAnyProfile() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            Random keys = new Random(profile.ordinal());
            byte[] key = new byte[profile == SrtpProfile.AEAD_AES_256_GCM ? 32 : 16];
            byte[] salt = new byte[profile.name().startsWith("AEAD") ? 12 : 14];
            keys.nextBytes(key);
            keys.nextBytes(salt);
            SrtpSendContext sender = new SrtpSendContext(profile, key, salt);
            SrtpReceiveContext receiver = new SrtpReceiveContext(profile, key, salt);
            List<byte[]> protectedSeeds = new ArrayList<>();
            protectedSeeds.add(protect(sender, RTP, false, profile));
            protectedSeeds.add(protect(sender, RTCP, true, profile));
            FuzzInputs.Generator afterProtection = FuzzInputs.bytesOrMutated(protectedSeeds.toArray(byte[][]::new));
            FuzzInputs.Generator generator = random -> {
                if (random.nextInt(4) != 0) {
                    return afterProtection.next(random);
                }
                // A valid tag over a mutated plain packet: the header walk runs on what the tag covers.
                boolean rtcp = random.nextBoolean();
                byte[] plain = FuzzInputs.mutate(rtcp ? RTCP : RTP, random);
                byte[] sealed = protect(sender, plain, rtcp, profile);
                return sealed == null ? plain : sealed;
            };
            Fuzz.forAll("srtp " + profile, generator, input -> {
                FuzzInputs.inBuffer(input, receiver::unprotectRtp);
                FuzzInputs.inBuffer(input, receiver::unprotectRtcp);
            });
        }
    }

    /** The protected bytes, or null when the send side refuses the plain packet. */
    private static byte[] protect(SrtpSendContext sender, byte[] plain, boolean rtcp, SrtpProfile profile) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(plain.length + sender.maxOverhead());
        try {
            buf.writeBytes(plain);
            boolean sealed = rtcp ? sender.protectRtcp(buf) : sender.protectRtp(buf);
            if (!sealed) {
                return null;
            }
            byte[] out = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), out);
            return out;
        } finally {
            buf.release();
        }
    }
}
