package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 7714 §16 (AEAD_AES_128_GCM) and §17 (AEAD_AES_256_GCM): the RFC gives session keys and
 * salt directly, an RTP packet (SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0) and an SRTCP packet (SSRC
 * "Mars", index 0x5d4).
 */
class AesGcmTransformTest {
    private static final byte[] SALT = Hex.bytes("51 75 69 64 20 70 72 6f 20 71 75 6f");
    private static final int RTCP_SSRC = 0x4d617273;
    private static final long RTP_INDEX = 0xf17b;
    private static final int RTP_SSRC = 0x5501a0b2;
    private static final int SRTCP_INDEX = 0x5d4;

    private static final byte[] RTP_PLAIN = Hex.bytes("""
            8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
            69736120 696e2070 61727465 73207472 6573""");
    private static final byte[] RTCP_PLAIN = Hex.bytes("""
            81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef deadbeef""");

    /** Each vector runs on both GHASH implementations: the JDK's intrinsic and the tables of the fallback. */
    record Vector(String section, byte[] key, byte[] srtp, byte[] srtcp, byte[] srtcpAuthenticatedOnly, boolean jdkGhash) {
        Vector(String section, byte[] key, byte[] srtp, byte[] srtcp, byte[] srtcpAuthenticatedOnly) {
            this(section, key, srtp, srtcp, srtcpAuthenticatedOnly, true);
        }

        Vector onTables() {
            return new Vector(section, key, srtp, srtcp, srtcpAuthenticatedOnly, false);
        }

        @Override
        public String toString() {
            return section + (jdkGhash ? " on the JDK's GHASH" : " on GHASH tables");
        }
    }

    static Stream<Arguments> vectors() {
        return rfcVectors().flatMap(v -> Stream.of(v, v.onTables())).map(Arguments::of);
    }

    private static Stream<Vector> rfcVectors() {
        return Stream.of(new Vector("RFC 7714 §16 AEAD_AES_128_GCM",
                        Hex.bytes("000102030405060708090a0b0c0d0e0f"),
                        Hex.bytes("""
                                8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5
                                0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439
                                0cce"""),
                        Hex.bytes("""
                                81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
                                c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872
                                45d9eade 800005d4"""),
                        Hex.bytes("""
                                81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
                                deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790
                                125f62b3 000005d4""")),
                new Vector("RFC 7714 §17 AEAD_AES_256_GCM",
                        Hex.bytes("000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f"),
                        Hex.bytes("""
                                8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238
                                9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7
                                6c13"""),
                        Hex.bytes("""
                                81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50
                                a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c
                                b26ac3be 800005d4"""),
                        Hex.bytes("""
                                81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
                                deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393
                                ed2615fe 000005d4""")));
    }

    private static AesGcmTransform transform(Vector v) {
        SrtpSessionKeys keys = new SrtpSessionKeys(v.key(), new byte[0], SALT, v.key(), new byte[0], SALT);
        return v.jdkGhash()
                ? new AesGcmTransform(keys, JdkGhash::new, JdkGhash::new)
                : new AesGcmTransform(keys, TableGhash::wide, TableGhash::narrow);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section8_srtpEncryption(Vector v) {
        byte[] a = Arrays.copyOf(RTP_PLAIN, RTP_PLAIN.length + 16);

        transform(v).protectRtp(a, 0, 12, RTP_PLAIN.length, RTP_SSRC, RTP_INDEX);

        assertThat(Hex.of(a)).isEqualTo(Hex.of(v.srtp()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section8_srtpDecryption(Vector v) {
        byte[] a = v.srtp().clone();

        assertThat(transform(v).unprotectRtp(a, 0, 12, a.length - 16, RTP_SSRC, RTP_INDEX)).isTrue();

        assertThat(Hex.of(Arrays.copyOf(a, a.length - 16))).isEqualTo(Hex.of(RTP_PLAIN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section8_srtpDecryptionFailsOnAnyFlippedBitOrWrongIndex(Vector v) {
        AesGcmTransform transform = transform(v);
        for (int i = 0; i < v.srtp().length; i++) {
            byte[] a = v.srtp().clone();
            a[i] ^= 0x01;
            assertThat(transform.unprotectRtp(a, 0, 12, a.length - 16, RTP_SSRC, RTP_INDEX)).as("bit flipped in byte %d", i).isFalse();
            a[i] ^= 0x01;
            assertThat(a).as("a failed packet is left untouched").isEqualTo(v.srtp());
        }
        byte[] a = v.srtp().clone();
        assertThat(transform.unprotectRtp(a, 0, 12, a.length - 16, RTP_SSRC, RTP_INDEX + 0x10000)).as("wrong ROC").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section9_srtcpEncryption(Vector v) {
        byte[] a = Arrays.copyOf(RTCP_PLAIN, RTCP_PLAIN.length + 20);

        transform(v).protectRtcp(a, 0, RTCP_PLAIN.length, RTCP_SSRC, SRTCP_INDEX);

        assertThat(Hex.of(a)).isEqualTo(Hex.of(v.srtcp()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section9_srtcpDecryption(Vector v) {
        byte[] a = v.srtcp().clone();
        AesGcmTransform transform = transform(v);
        int trailer = readInt(a, transform.rtcpTrailerOffset(a.length));

        assertThat(transform.unprotectRtcp(a, 0, a.length, RTCP_SSRC, trailer)).isTrue();

        assertThat(Hex.of(Arrays.copyOf(a, RTCP_PLAIN.length))).isEqualTo(Hex.of(RTCP_PLAIN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section9_srtcpDecryptionFailsOnAnyFlippedBit(Vector v) {
        AesGcmTransform transform = transform(v);
        for (int i = 0; i < v.srtcp().length; i++) {
            byte[] a = v.srtcp().clone();
            a[i] ^= 0x01;
            int trailer = readInt(a, transform.rtcpTrailerOffset(a.length));
            assertThat(transform.unprotectRtcp(a, 0, a.length, RTCP_SSRC, trailer)).as("bit flipped in byte %d", i).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void rfc7714_section9_3_srtcpWithoutEncryptionIsAuthenticatedOnly(Vector v) {
        byte[] a = v.srtcpAuthenticatedOnly().clone();
        AesGcmTransform transform = transform(v);
        int trailer = readInt(a, transform.rtcpTrailerOffset(a.length));

        assertThat(trailer).isEqualTo(SRTCP_INDEX);
        assertThat(transform.unprotectRtcp(a, 0, a.length, RTCP_SSRC, trailer)).isTrue();
        assertThat(Hex.of(Arrays.copyOf(a, RTCP_PLAIN.length))).isEqualTo(Hex.of(RTCP_PLAIN));

        byte[] tampered = v.srtcpAuthenticatedOnly().clone();
        tampered[20] ^= 0x40;
        assertThat(transform.unprotectRtcp(tampered, 0, tampered.length, RTCP_SSRC, trailer)).isFalse();
    }

    /** Our GCM against the JDK's, which shares no code with it, over lengths around block edges. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void gcmAgreesWithTheJdkForEveryLengthUpTo100(Vector v) throws Exception {
        Random random = new Random(7714);
        AesGcmTransform transform = transform(v);
        Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
        for (int payload = 0; payload <= 100; payload++) {
            byte[] header = Arrays.copyOf(RTP_PLAIN, 12);
            byte[] a = new byte[12 + payload + 16];
            System.arraycopy(header, 0, a, 0, 12);
            for (int i = 12; i < 12 + payload; i++) {
                a[i] = (byte) random.nextInt();
            }
            byte[] plain = Arrays.copyOfRange(a, 12, 12 + payload);
            long index = 0x1234_0000L | payload;
            byte[] iv = Arrays.copyOf(SALT, 12);
            byte[] ivXor = Hex.bytes(String.format("0000%08x%08x%04x", RTP_SSRC, index >>> 16, index & 0xffff));
            for (int i = 0; i < 12; i++) {
                iv[i] ^= ivXor[i];
            }
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(v.key(), "AES"), new GCMParameterSpec(128, iv));
            jdk.updateAAD(header);
            byte[] expected = jdk.doFinal(plain);

            transform.protectRtp(a, 0, 12, 12 + payload, RTP_SSRC, index);

            assertThat(Hex.of(Arrays.copyOfRange(a, 12, a.length))).as("payload %d", payload).isEqualTo(Hex.of(expected));
            assertThat(transform.unprotectRtp(a, 0, 12, 12 + payload, RTP_SSRC, index)).isTrue();
            assertThat(Arrays.copyOfRange(a, 12, 12 + payload)).isEqualTo(plain);
        }
    }

    private static int readInt(byte[] a, int at) {
        return ((a[at] & 0xff) << 24) | ((a[at + 1] & 0xff) << 16) | ((a[at + 2] & 0xff) << 8) | (a[at + 3] & 0xff);
    }
}
