package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AesCounterModeTest {

    @Test
    void rfc3711_appendixB_2_aesCmKeystream() {
        // Session key and the IV = salt·2^16 of B.2; SSRC, ROC and SEQ are zero there.
        AesCounterMode aes = new AesCounterMode(Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C"));
        byte[] iv = Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        int blocks = 0xFF02;

        byte[] keystream = aes.generate(AesCounterMode.readLong(iv, 0), AesCounterMode.readLong(iv, 8), blocks);

        assertThat(Hex.of(Arrays.copyOfRange(keystream, 0, 48))).isEqualToIgnoringCase(
                "E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0");
        assertThat(Hex.of(Arrays.copyOfRange(keystream, 0xFEFF * 16, 0xFF02 * 16))).isEqualToIgnoringCase(
                "EC8CDF7398607CB0F2D21675EA9EA1E4" + "362B7C3C6773516318A077D7FC5073AE" + "6A2CC3787889374FBEB4C81B17BA6C44");
    }

    @Test
    void xorKeystreamCoversEveryTailLength() {
        AesCounterMode aes = new AesCounterMode(new byte[16]);
        aes.generate(0, 0, 3);
        byte[] keystream = aes.keystream().clone();
        for (int length = 0; length <= 40; length++) {
            byte[] data = new byte[length + 2];
            aes.xorKeystream(0, data, 1, length);
            assertThat(data[0]).isZero();
            assertThat(data[length + 1]).isZero();
            assertThat(Arrays.copyOfRange(data, 1, length + 1)).isEqualTo(Arrays.copyOf(keystream, length));
        }
    }
}
