package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The three GHASH implementations agree block for block, however the input is split; the RFC 7714
 * vectors (AesGcmTransformTest) pin them to the standard. The test JVM runs with
 * {@link JdkGhash#REQUIRED_JVM_OPTION}, as the worker does, so the JDK's intrinsic must be the one
 * {@link Ghash#forSrtp} picks.
 */
class GhashTest {
    @Test
    void theJdksGhashIsReachableWithTheWorkersJvmOptions() {
        assertThat(JdkGhash.isAvailable()).isTrue();
        byte[] hashSubkey = new byte[16];
        assertThat(Ghash.forSrtp(hashSubkey)).isInstanceOf(JdkGhash.class);
        assertThat(Ghash.forSrtcp(hashSubkey)).isInstanceOf(JdkGhash.class);
    }

    @Test
    void jdkAndTablesAgreeForEveryAadAndCiphertextLengthAndSplit() {
        Random random = new Random(7714);
        List<Function<byte[], Ghash>> implementations = List.of(JdkGhash::new, TableGhash::wide, TableGhash::narrow);
        byte[] data = new byte[300];
        for (int round = 0; round < 12; round++) {
            byte[] hashSubkey = new byte[16];
            random.nextBytes(hashSubkey);
            random.nextBytes(data);
            List<Ghash> ghashes = implementations.stream().map(f -> f.apply(hashSubkey)).toList();
            for (int aad = 0; aad <= 40; aad += 1 + random.nextInt(5)) {
                for (int cipher = 0; aad + cipher <= data.length; cipher += 1 + random.nextInt(23)) {
                    int split = cipher == 0 ? 0 : random.nextInt(cipher + 1);
                    long[] expected = null;
                    for (Ghash g : ghashes) {
                        g.reset();
                        g.update(data, 0, aad);
                        g.padToBlock();
                        g.update(data, aad, split);
                        g.update(data, aad + split, cipher - split);
                        g.finish(aad, cipher);
                        long[] s = {g.high(), g.low()};
                        if (expected == null) {
                            expected = s;
                        }
                        assertThat(s).as("%s, aad %d, ciphertext %d split at %d", g.getClass().getSimpleName(), aad, cipher, split)
                                .containsExactly(expected);
                    }
                }
            }
        }
    }
}
