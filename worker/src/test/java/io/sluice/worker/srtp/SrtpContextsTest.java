package io.sluice.worker.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SrtpContextsTest {
    private static final int SSRC = 0xcafebabe;
    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void everyBufferReleased() {
        for (ByteBuf buf : buffers) {
            buf.release();
            assertThat(buf.refCnt()).isZero();
        }
    }

    private ByteBuf buffer(byte[] bytes, int room, boolean direct) {
        ByteBuf buf = direct ? Unpooled.directBuffer(bytes.length + room) : Unpooled.buffer(bytes.length + room);
        buf.writeBytes(bytes);
        buffers.add(buf);
        return buf;
    }

    private static byte[] readable(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    private static byte[] masterKey(SrtpProfile profile) {
        byte[] key = new byte[profile.keyLength()];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + profile.ordinal());
        }
        return key;
    }

    private static byte[] masterSalt(SrtpProfile profile) {
        byte[] salt = new byte[profile.saltLength()];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (0xa0 + i);
        }
        return salt;
    }

    private static SrtpSendContext sender(SrtpProfile profile) {
        return new SrtpSendContext(profile, masterKey(profile), masterSalt(profile));
    }

    private static SrtpReceiveContext receiver(SrtpProfile profile) {
        return new SrtpReceiveContext(profile, masterKey(profile), masterSalt(profile));
    }

    /** RFC 3550 §5.1: V=2, X=1, CC=2, PT 96, then 2 CSRCs and a one-byte-header extension (RFC 8285). */
    static byte[] rtpWithCsrcsAndExtension(int sequence, int ssrc, int payloadLength) {
        byte[] header = Hex.bytes(String.format("""
                92 60 %04x 00001000 %08x
                11111111 22222222
                bede 0002 10ff 2101 0200 0000""", sequence, ssrc));
        byte[] packet = Arrays.copyOf(header, header.length + payloadLength);
        for (int i = header.length; i < packet.length; i++) {
            packet[i] = (byte) (i + sequence);
        }
        return packet;
    }

    static byte[] rtp(int sequence, int ssrc, int payloadLength) {
        byte[] packet = new byte[12 + payloadLength];
        byte[] header = Hex.bytes(String.format("8060%04x00001000%08x", sequence, ssrc));
        System.arraycopy(header, 0, packet, 0, 12);
        for (int i = 12; i < packet.length; i++) {
            packet[i] = (byte) (i ^ sequence);
        }
        return packet;
    }

    /** A compound RTCP packet: an empty receiver report (RFC 3550 §6.4.2) and a PLI (RFC 4585 §6.3.1). */
    static byte[] rtcp(int ssrc) {
        return Hex.bytes(String.format("80c90001 %08x 81ce0002 %08x 01020304", ssrc, ssrc));
    }

    static Stream<Arguments> profilesAndBuffers() {
        return Arrays.stream(SrtpProfile.values())
                .flatMap(p -> Stream.of(Arguments.of(p, false), Arguments.of(p, true)));
    }

    /** libsrtp's reference packets (test/srtp_driver.c) for AES_CM_128_HMAC_SHA1_80, keyed with RFC 3711 B.3's master key. */
    @Test
    void rfc3711_section3_referencePacketsOfLibsrtp() {
        byte[] key = Hex.bytes("e1f97a0d3e018be0d64fa32c06de4139");
        byte[] salt = Hex.bytes("0ec675ad498afeebb6960b3aabe6");
        SrtpSendContext send = new SrtpSendContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, key, salt);
        SrtpReceiveContext receive = new SrtpReceiveContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, key, salt);
        byte[] rtpPlain = Hex.bytes("800f1234decafbadcafebabe abababababababababababababababab");
        byte[] srtp = Hex.bytes("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
        byte[] rtcpPlain = Hex.bytes("81c8000bcafebabe abababababababababababababababab");
        byte[] srtcp = Hex.bytes("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");

        ByteBuf rtpBuf = buffer(rtpPlain, 16, false);
        assertThat(send.protectRtp(rtpBuf)).isTrue();
        assertThat(Hex.of(readable(rtpBuf))).isEqualTo(Hex.of(srtp));
        assertThat(receive.unprotectRtp(rtpBuf)).isTrue();
        assertThat(readable(rtpBuf)).isEqualTo(rtpPlain);

        // The reference SRTCP packet carries index 1: it is the second one sent.
        ByteBuf first = buffer(rtcpPlain, 16, false);
        assertThat(send.protectRtcp(first)).isTrue();
        ByteBuf rtcpBuf = buffer(rtcpPlain, 16, true);
        assertThat(send.protectRtcp(rtcpBuf)).isTrue();
        assertThat(Hex.of(readable(rtcpBuf))).isEqualTo(Hex.of(srtcp));
        assertThat(receive.unprotectRtcp(rtcpBuf)).isTrue();
        assertThat(readable(rtcpBuf)).isEqualTo(rtcpPlain);
    }

    @ParameterizedTest(name = "{0} direct={1}")
    @MethodSource("profilesAndBuffers")
    void roundTripOfRtpWithCsrcsAndHeaderExtension(SrtpProfile profile, boolean direct) {
        SrtpSendContext send = sender(profile);
        SrtpReceiveContext receive = receiver(profile);
        for (int payload : new int[] {0, 1, 15, 16, 17, 160, 1200}) {
            byte[] plain = rtpWithCsrcsAndExtension(1000 + payload, SSRC, payload);
            ByteBuf buf = buffer(plain, send.maxOverhead(), direct);

            assertThat(send.protectRtp(buf)).isTrue();
            assertThat(buf.readableBytes()).isEqualTo(plain.length + profile.rtpAuthTagLength());
            // RFC 3711 §3.1 / RFC 7714 §8.2: the header, CSRCs and extension included, stays in clear.
            assertThat(Arrays.copyOf(readable(buf), 32)).isEqualTo(Arrays.copyOf(plain, 32));
            if (payload >= 16) {
                assertThat(Arrays.copyOfRange(readable(buf), 32, plain.length)).isNotEqualTo(Arrays.copyOfRange(plain, 32, plain.length));
            }

            assertThat(receive.unprotectRtp(buf)).isTrue();
            assertThat(readable(buf)).isEqualTo(plain);
        }
    }

    @ParameterizedTest(name = "{0} direct={1}")
    @MethodSource("profilesAndBuffers")
    void roundTripOfCompoundRtcp(SrtpProfile profile, boolean direct) {
        SrtpSendContext send = sender(profile);
        SrtpReceiveContext receive = receiver(profile);
        byte[] plain = rtcp(SSRC);
        for (int i = 0; i < 3; i++) {
            ByteBuf buf = buffer(plain, send.maxOverhead(), direct);

            assertThat(send.protectRtcp(buf)).isTrue();
            // RFC 3711 §3.4: E|index and the tag; AES-CM_32 still uses an 80-bit SRTCP tag.
            assertThat(buf.readableBytes()).isEqualTo(plain.length + 4 + profile.rtcpAuthTagLength());
            int trailerAt = profile.rtcpAuthTagLength() == 16 ? buf.readableBytes() - 4 : plain.length;
            assertThat(buf.getInt(trailerAt)).isEqualTo(0x8000_0000 | i);

            assertThat(receive.unprotectRtcp(buf)).isTrue();
            assertThat(readable(buf)).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc3711_section3_3_1_rolloverCounterAcrossSequenceWrap(SrtpProfile profile) {
        SrtpSendContext send = sender(profile);
        SrtpReceiveContext receive = receiver(profile);
        SrtpReceiveContext lateReceiver = receiver(profile);
        List<byte[]> protectedPackets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int sequence = (65_525 + i) & 0xFFFF;
            ByteBuf buf = buffer(rtp(sequence, SSRC, 50), 16, false);
            assertThat(send.protectRtp(buf)).isTrue();
            protectedPackets.add(readable(buf));
            assertThat(receive.unprotectRtp(buf)).as("sequence %d", sequence).isTrue();
        }
        // A packet from before the wrap, arriving after it, is found with ROC - 1.
        SrtpReceiveContext reordering = receiver(profile);
        assertThat(reordering.unprotectRtp(buffer(protectedPackets.get(8), 0, false))).isTrue();
        assertThat(reordering.unprotectRtp(buffer(protectedPackets.get(12), 0, false))).isTrue();
        assertThat(reordering.unprotectRtp(buffer(protectedPackets.get(9), 0, false))).isTrue();
        assertThat(reordering.unprotectRtp(buffer(protectedPackets.get(13), 0, false))).isTrue();
        // A receiver joining after the wrap without the ROC cannot authenticate (ROC is not sent).
        assertThat(lateReceiver.unprotectRtp(buffer(protectedPackets.get(15), 0, false))).isFalse();
        lateReceiver.startRtpAt(SSRC, 1, 3);
        assertThat(lateReceiver.unprotectRtp(buffer(protectedPackets.get(15), 0, false))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc3711_section3_3_2_reorderingInsideTheWindowIsAcceptedAndReplaysAreNot(SrtpProfile profile) {
        SrtpSendContext send = sender(profile);
        SrtpReceiveContext receive = receiver(profile);
        List<byte[]> packets = new ArrayList<>();
        for (int sequence = 100; sequence < 300; sequence++) {
            ByteBuf buf = buffer(rtp(sequence, SSRC, 20), 16, false);
            assertThat(send.protectRtp(buf)).isTrue();
            packets.add(readable(buf));
        }
        // Shuffle within blocks of 32 so nothing falls behind the 64-packet window.
        Random random = new Random(3711);
        for (int block = 0; block < packets.size(); block += 32) {
            List<byte[]> part = new ArrayList<>(packets.subList(block, Math.min(block + 32, packets.size())));
            Collections.shuffle(part, random);
            for (byte[] packet : part) {
                assertThat(receive.unprotectRtp(buffer(packet, 0, false))).isTrue();
            }
        }
        assertThat(receive.replayedPackets()).isZero();

        assertThat(receive.unprotectRtp(buffer(packets.get(199), 0, false))).as("replay of the newest").isFalse();
        assertThat(receive.unprotectRtp(buffer(packets.get(150), 0, false))).as("replay inside the window").isFalse();
        assertThat(receive.unprotectRtp(buffer(packets.get(100), 0, false))).as("older than the window").isFalse();
        assertThat(receive.replayedPackets()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc3711_section3_3_2_forgedPacketsNeitherPassNorMoveTheWindow(SrtpProfile profile) {
        SrtpSendContext send = sender(profile);
        SrtpReceiveContext receive = receiver(profile);
        List<byte[]> packets = new ArrayList<>();
        for (int sequence = 0; sequence < 3; sequence++) {
            ByteBuf buf = buffer(rtp(sequence, SSRC, 40), 16, false);
            assertThat(send.protectRtp(buf)).isTrue();
            packets.add(readable(buf));
        }
        assertThat(receive.unprotectRtp(buffer(packets.get(0), 0, false))).isTrue();

        byte[] forged = packets.get(1).clone();
        forged[3] = (byte) 0xf0; // a far-ahead sequence number: it would slide the window if accepted
        assertThat(receive.unprotectRtp(buffer(forged, 0, false))).isFalse();
        byte[] badTag = packets.get(1).clone();
        badTag[badTag.length - 1] ^= 1;
        ByteBuf badTagBuf = buffer(badTag, 0, true);
        assertThat(receive.unprotectRtp(badTagBuf)).isFalse();
        assertThat(readable(badTagBuf)).as("a rejected packet is left as it was").isEqualTo(badTag);
        assertThat(receive.authenticationFailures()).isEqualTo(2);

        assertThat(receive.unprotectRtp(buffer(packets.get(2), 0, false))).isTrue();
        assertThat(receive.unprotectRtp(buffer(packets.get(1), 0, false))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rfc3711_section3_4_srtcpReplayAndTamperingRejected(SrtpProfile profile) {
        SrtpSendContext send = sender(profile);
        SrtpReceiveContext receive = receiver(profile);
        ByteBuf buf = buffer(rtcp(SSRC), send.maxOverhead(), false);
        assertThat(send.protectRtcp(buf)).isTrue();
        byte[] srtcp = readable(buf);

        for (int i = 0; i < srtcp.length; i++) {
            byte[] tampered = srtcp.clone();
            tampered[i] ^= (byte) 0x80;
            assertThat(receive.unprotectRtcp(buffer(tampered, 0, false))).as("byte %d", i).isFalse();
        }
        assertThat(receive.unprotectRtcp(buf)).isTrue();
        assertThat(receive.unprotectRtcp(buffer(srtcp, 0, false))).as("replay").isFalse();
        assertThat(receive.replayedPackets()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void truncatedPacketsAreRejectedWithoutThrowing(SrtpProfile profile) {
        SrtpSendContext send = sender(profile);
        ByteBuf rtpBuf = buffer(rtpWithCsrcsAndExtension(7, SSRC, 30), 16, false);
        ByteBuf rtcpBuf = buffer(rtcp(SSRC), send.maxOverhead(), false);
        assertThat(send.protectRtp(rtpBuf)).isTrue();
        assertThat(send.protectRtcp(rtcpBuf)).isTrue();
        byte[] srtp = readable(rtpBuf);
        byte[] srtcp = readable(rtcpBuf);

        for (int length = 0; length < srtp.length; length++) {
            SrtpReceiveContext receive = receiver(profile);
            ByteBuf truncated = buffer(Arrays.copyOf(srtp, length), 0, length % 2 == 0);
            assertThat(receive.unprotectRtp(truncated)).as("SRTP of %d bytes", length).isFalse();
            assertThat(truncated.readableBytes()).isEqualTo(length);
        }
        for (int length = 0; length < srtcp.length; length++) {
            SrtpReceiveContext receive = receiver(profile);
            ByteBuf truncated = buffer(Arrays.copyOf(srtcp, length), 0, length % 2 == 1);
            assertThat(receive.unprotectRtcp(truncated)).as("SRTCP of %d bytes", length).isFalse();
            assertThat(truncated.readableBytes()).isEqualTo(length);
        }
    }

    record Malformed(String name, String hex, boolean malformedWithTheTagBytesToo) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Malformed> malformedRtp() {
        String tag = "00".repeat(16);
        return Stream.of(
                new Malformed("version 1", "4060000100001000cafebabe" + "aabb" + tag, true),
                new Malformed("version 0 (a STUN-like first byte)", "0001000100001000cafebabe" + "aabb" + tag, true),
                new Malformed("CSRC count beyond the packet", "8f60000100001000cafebabe" + "aabb" + tag, true),
                new Malformed("extension header cut", "9060000100001000cafebabe" + "be" + tag.substring(0, 30), false),
                new Malformed("extension length beyond the packet", "9060000100001000cafebabe" + "bede00ff" + tag, true),
                new Malformed("empty", "", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRtp")
    void rfc3550_section5_1_malformedRtpIsCountedNotThrown(Malformed malformed) {
        for (SrtpProfile profile : SrtpProfile.values()) {
            SrtpReceiveContext receive = receiver(profile);
            ByteBuf buf = buffer(Hex.bytes(malformed.hex()), 0, false);
            assertThat(receive.unprotectRtp(buf)).isFalse();
            assertThat(receive.malformedPackets() + receive.authenticationFailures()).isEqualTo(1);
            assertThat(sender(profile).protectRtp(buffer(Hex.bytes(malformed.hex()), 32, false)))
                    .as("protect of %s with %s", malformed, profile)
                    .isEqualTo(!malformed.malformedWithTheTagBytesToo());
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectRefusesABufferWithoutRoomForTheTag(SrtpProfile profile) {
        SrtpSendContext send = sender(profile);
        byte[] plain = rtp(1, SSRC, 100);
        ByteBuf full = buffer(plain, 0, false).capacity(plain.length);
        ByteBuf fixed = Unpooled.wrappedBuffer(plain.clone());
        buffers.add(fixed);

        assertThat(send.protectRtp(full)).isFalse();
        assertThat(send.protectRtp(fixed)).isFalse();
        assertThat(send.protectRtcp(fixed)).isFalse();
        assertThat(readable(full)).isEqualTo(plain);
    }

    @Test
    void ssrcStateIsBoundedAndFreedByRemoveSsrc() {
        SrtpProfile profile = SrtpProfile.AEAD_AES_128_GCM;
        SrtpSendContext send = new SrtpSendContext(profile, masterKey(profile), masterSalt(profile), 2);
        SrtpReceiveContext receive = new SrtpReceiveContext(profile, masterKey(profile), masterSalt(profile), 2);
        byte[][] packets = new byte[3][];
        SrtpSendContext unbounded = sender(profile);
        for (int i = 0; i < 3; i++) {
            ByteBuf buf = buffer(rtp(5, 1000 + i, 10), 16, false);
            assertThat(unbounded.protectRtp(buf)).isTrue();
            packets[i] = readable(buf);
        }
        assertThat(send.protectRtp(buffer(rtp(5, 1000, 10), 16, false))).isTrue();
        assertThat(send.protectRtp(buffer(rtp(5, 1001, 10), 16, false))).isTrue();
        assertThat(send.protectRtp(buffer(rtp(5, 1002, 10), 16, false))).as("third SSRC").isFalse();

        assertThat(receive.unprotectRtp(buffer(packets[0], 0, false))).isTrue();
        assertThat(receive.unprotectRtp(buffer(packets[1], 0, false))).isTrue();
        assertThat(receive.unprotectRtp(buffer(packets[2], 0, false))).isFalse();
        assertThat(receive.ssrcLimitDrops()).isEqualTo(1);

        assertThat(receive.removeSsrc(1000)).isTrue();
        assertThat(receive.removeSsrc(1000)).isFalse();
        assertThat(receive.unprotectRtp(buffer(packets[2], 0, false))).isTrue();
        assertThat(send.removeSsrc(1001)).isTrue();
        assertThat(send.protectRtp(buffer(rtp(5, 1002, 10), 16, false))).isTrue();
    }

    @Test
    void aContextOfAnotherKeyAuthenticatesNothing() {
        SrtpProfile profile = SrtpProfile.AES128_CM_HMAC_SHA1_32;
        SrtpSendContext send = sender(profile);
        byte[] otherKey = masterKey(profile);
        otherKey[0] ^= 1;
        SrtpReceiveContext receive = new SrtpReceiveContext(profile, otherKey, masterSalt(profile));
        ByteBuf buf = buffer(rtp(9, SSRC, 64), 16, false);
        assertThat(send.protectRtp(buf)).isTrue();
        assertThat(buf.readableBytes()).isEqualTo(12 + 64 + 4);
        assertThat(receive.unprotectRtp(buf)).isFalse();
        assertThat(receive.authenticationFailures()).isEqualTo(1);
    }
}
