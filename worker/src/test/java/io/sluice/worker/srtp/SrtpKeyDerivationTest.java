package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SrtpKeyDerivationTest {

    @Test
    void rfc3711_appendixB_3_keyDerivation() {
        byte[] masterKey = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");

        SrtpSessionKeys keys = SrtpKeyDerivation.deriveSessionKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, masterKey, masterSalt);

        assertThat(Hex.of(keys.rtpCipherKey())).isEqualToIgnoringCase("C61E7A93744F39EE10734AFE3FF7A087");
        assertThat(Hex.of(keys.rtpSalt())).isEqualToIgnoringCase("30CBBC08863D8C85D49DB34A9AE1");
        assertThat(Hex.of(keys.rtpAuthKey())).isEqualToIgnoringCase("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
    }

    @Test
    void rfc3711_appendixB_3_authenticationKeySpansSeveralBlocks() {
        // B.3 prints 94 octets of the label-0x01 PRF output to exercise the block counter.
        byte[] out = SrtpKeyDerivation.derive(Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139"),
                Hex.bytes("0EC675AD498AFEEBB6960B3AABE6"), SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, 94);

        assertThat(Hex.of(out)).isEqualToIgnoringCase(
                "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
                        + "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
                        + "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2");
    }

    @Test
    void rfc6188_section7_2_aes256CmPrf() {
        byte[] masterKey = Hex.bytes("f0f04914b513f2763a1b1fa130f10e29 98f6f6e43e4309d1e622a0e332b9f1b6");
        byte[] masterSalt = Hex.bytes("3b04803de51ee7c96423ab5b78d2");

        assertThat(Hex.of(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, 32)))
                .isEqualTo("5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4");
        assertThat(Hex.of(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, 14)))
                .isEqualTo("fa31791685ca444a9e07c6c64e93");
        assertThat(Hex.of(SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_AUTHENTICATION, 20)))
                .isEqualTo("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05");
    }

    @Test
    void rfc3711_section4_3_2_srtcpLabelsGiveDifferentKeys() {
        byte[] masterKey = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] masterSalt = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");

        SrtpSessionKeys keys = SrtpKeyDerivation.deriveSessionKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, masterKey, masterSalt);

        // Labels 3, 4 and 5, as libsrtp and jitsi-srtp derive them for the B.3 master key.
        assertThat(Hex.of(keys.rtcpCipherKey())).isEqualTo("4c1aa45a81f73d61c800bbb00fbb1eaa");
        assertThat(Hex.of(keys.rtcpAuthKey())).isEqualTo("8d54534feb49ae8e7993a6bd0b844fc323a93dfd");
        assertThat(Hex.of(keys.rtcpSalt())).isEqualTo("9581c7ad87b3e530bf3e4454a8b3");
    }

    @Test
    void rfc7714_section11_gcmProfilesDeriveTwelveByteSaltsAndNoAuthenticationKey() {
        byte[] masterKey = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] masterSalt = Hex.bytes("517569642070726f2071756f");

        SrtpSessionKeys keys = SrtpKeyDerivation.deriveSessionKeys(SrtpProfile.AEAD_AES_256_GCM, masterKey, masterSalt);

        assertThat(keys.rtpCipherKey()).hasSize(32);
        assertThat(keys.rtpSalt()).hasSize(12);
        assertThat(keys.rtpAuthKey()).isEmpty();
        // The 12-byte salt is the high 96 bits of the PRF's 112-bit x: same as a 14-byte salt ending 0000.
        byte[] paddedSalt = Hex.bytes("517569642070726f2071756f0000");
        assertThat(keys.rtpSalt()).isEqualTo(java.util.Arrays.copyOf(
                SrtpKeyDerivation.derive(masterKey, paddedSalt, SrtpKeyDerivation.LABEL_RTP_SALT, 14), 12));
    }

    @Test
    void masterKeyOfTheWrongLengthIsRefused() {
        assertThatThrownBy(() -> SrtpKeyDerivation.deriveSessionKeys(SrtpProfile.AEAD_AES_256_GCM, new byte[16], new byte[12]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SrtpKeyDerivation.deriveSessionKeys(SrtpProfile.AES128_CM_HMAC_SHA1_80, new byte[16], new byte[12]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
