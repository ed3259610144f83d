package io.sluice.worker.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.worker.srtp.SrtpProfile;
import java.security.SecureRandom;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** use_srtp negotiation (RFC 5764 §4.1) and the key split (RFC 5764 §4.2). */
class SrtpNegotiationTest {

    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.generate();

    private static HandshakeSession session() {
        return new HandshakeSession(new BcTlsCrypto(new SecureRandom()), CERTIFICATE,
                CERTIFICATE.fingerprint(FingerprintAlgorithm.SHA_256), 1000, 100);
    }

    @ParameterizedTest(name = "offer {0} -> {1}")
    @CsvSource({
        "'1,2,7,8', AEAD_AES_256_GCM",
        "'1,7', AEAD_AES_128_GCM",
        "'2,1', AES128_CM_HMAC_SHA1_80",
        "'2', AES128_CM_HMAC_SHA1_32",
        "'5,6,1', AES128_CM_HMAC_SHA1_80",
    })
    void rfc5764_section4_1_1_serverPicksItsFirstPreferenceTheClientOffered(String offered, SrtpProfile expected) throws Exception {
        HandshakeSession session = session();
        int[] ids = java.util.Arrays.stream(offered.split(",")).mapToInt(Integer::parseInt).toArray();

        UseSRTPData answer = session.answer(new UseSRTPData(ids, new byte[0]));

        assertThat(answer.getProtectionProfiles()).containsExactly(expected.useSrtpId());
        assertThat(answer.getMki()).isEmpty();
        assertThat(session.selectedProfile()).isEqualTo(expected);
    }

    @Test
    void rfc5764_section4_1_1_noCommonProfileOrNoOfferAbortsWithAReason() {
        HandshakeSession unknownOnly = session();
        assertThatThrownBy(() -> unknownOnly.answer(new UseSRTPData(new int[] {5, 6}, new byte[0])))
                .isInstanceOf(TlsFatalAlert.class);
        assertThat(unknownOnly.failureReason()).isEqualTo("no common SRTP protection profile");

        HandshakeSession noOffer = session();
        assertThatThrownBy(() -> noOffer.answer(null)).isInstanceOf(TlsFatalAlert.class);
        assertThat(noOffer.failureReason()).isEqualTo("peer did not offer use_srtp");
    }

    @Test
    void rfc5764_section4_1_1_clientOffersAllFourInPreferenceOrderAndChecksTheAnswer() throws Exception {
        HandshakeSession session = session();
        assertThat(session.offer().getProtectionProfiles()).containsExactly(0x0008, 0x0007, 0x0001, 0x0002);

        session.acceptAnswer(new UseSRTPData(new int[] {0x0007}, new byte[0]));
        assertThat(session.selectedProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);

        for (UseSRTPData bad : new UseSRTPData[] {
            new UseSRTPData(new int[] {0x0007, 0x0008}, new byte[0]),
            new UseSRTPData(new int[] {0x0005}, new byte[0]),
            new UseSRTPData(new int[] {0x0001}, new byte[] {1}),
        }) {
            assertThatThrownBy(() -> session().acceptAnswer(bad)).isInstanceOf(TlsFatalAlert.class);
        }
        HandshakeSession none = session();
        assertThatThrownBy(() -> none.acceptAnswer(null)).isInstanceOf(TlsFatalAlert.class);
        assertThat(none.failureReason()).isEqualTo("peer did not negotiate use_srtp");
    }

    @Test
    void rfc5764_section4_2_keyingMaterialIsClientKeyServerKeyClientSaltServerSalt() {
        // AES128_CM: keys of 16, salts of 14: bytes 0-15 client key, 16-31 server key, 32-45 client salt, 46-59 server salt.
        byte[] material = new byte[60];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }

        byte[] client = SrtpKeySplitter.keyAndSalt(SrtpProfile.AES128_CM_HMAC_SHA1_80, material, DtlsRole.CLIENT);
        byte[] server = SrtpKeySplitter.keyAndSalt(SrtpProfile.AES128_CM_HMAC_SHA1_80, material, DtlsRole.SERVER);

        assertThat(client).containsExactly(range(0, 16, 32, 46));
        assertThat(server).containsExactly(range(16, 32, 46, 60));
    }

    @Test
    void rfc7714_section12_gcm256KeyingMaterialSplitsIntoKeysOf32AndSaltsOf12() {
        byte[] material = new byte[SrtpProfile.AEAD_AES_256_GCM.keyingMaterialLength()];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        assertThat(material).hasSize(88);

        assertThat(SrtpKeySplitter.keyAndSalt(SrtpProfile.AEAD_AES_256_GCM, material, DtlsRole.CLIENT))
                .containsExactly(range(0, 32, 64, 76));
        assertThat(SrtpKeySplitter.keyAndSalt(SrtpProfile.AEAD_AES_256_GCM, material, DtlsRole.SERVER))
                .containsExactly(range(32, 64, 76, 88));
        assertThatThrownBy(() -> SrtpKeySplitter.keyAndSalt(SrtpProfile.AEAD_AES_256_GCM, new byte[60], DtlsRole.CLIENT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Bytes keyFrom..keyTo-1 then saltFrom..saltTo-1. */
    private static byte[] range(int keyFrom, int keyTo, int saltFrom, int saltTo) {
        byte[] bytes = new byte[keyTo - keyFrom + saltTo - saltFrom];
        int i = 0;
        for (int b = keyFrom; b < keyTo; b++) {
            bytes[i++] = (byte) b;
        }
        for (int b = saltFrom; b < saltTo; b++) {
            bytes[i++] = (byte) b;
        }
        return bytes;
    }
}
