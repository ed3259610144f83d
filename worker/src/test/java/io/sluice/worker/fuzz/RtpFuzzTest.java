package io.sluice.worker.fuzz;

import static io.sluice.worker.fuzz.FuzzInputs.hex;

import io.sluice.worker.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

/**
 * RTP (RFC 3550 §5.1) and its header extensions (RFC 8285 §4.2 one-byte, §4.3 two-byte):
 * {@link RtpPacket#wrap} answers false on anything malformed, and every extension accessor and
 * in-place rewrite of a packet it accepted stays inside the packet and never throws.
 */
class RtpFuzzTest {

    private static final FuzzInputs.Generator RTP = FuzzInputs.bytesOrMutated(
            // V=2, X=1, PT 96, seq, ts, SSRC; one-byte extensions (0xBEDE, 2 words): id 1 len 3
            // (abs-send-time), id 3 len 2 (transport-wide seq), id 4 len 1 (audio level), padding.
            hex("9060 1234 00000001 11223344 BEDE0003 12 010203 31 0001 40 85 000000 00 deadbeefcafe"),
            // Two-byte extensions (0x1000, RFC 8285 §4.3): id 5 len 4, id 6 len 0; P=1 with 2 bytes of padding.
            hex("B060 0001 00000002 55667788 10000002 05 04 01020304 06 00 0000 aabbccdd 0002"),
            // Two CSRCs, no extension, marker set.
            hex("82E0 0002 00000003 99887766 00000001 00000002 0102030405"),
            hex("8000 0000 00000000 00000000"));

    @Test
    void wrappingAndEveryExtensionAccessorNeverThrow() {
        RtpPacket packet = new RtpPacket();
        byte[] remap = new byte[256];
        for (int id = 0; id < remap.length; id++) {
            remap[id] = (byte) ((id * 7) & 0xFF);
        }
        byte[] copy = new byte[300];
        Fuzz.forAll("rtp", RTP, input -> FuzzInputs.inBuffer(input, buf -> {
            if (!packet.wrap(buf)) {
                return;
            }
            packet.payloadOffset();
            packet.payloadLength();
            packet.paddingLength();
            for (int i = 0; i < packet.csrcCount(); i++) {
                packet.csrc(i);
            }
            for (int id = 0; id <= 256; id++) {
                packet.extensionOffset(id);
                packet.extensionLength(id);
                packet.hasExtension(id);
                packet.copyExtension(id, copy, 0);
                packet.extensionEquals(id, "0");
            }
            for (int id = 1; id <= 14; id++) {
                packet.absSendTime(id);
                packet.transportWideSequenceNumber(id);
                packet.audioLevel(id);
                packet.setTransportWideSequenceNumber(id, 7);
            }
            packet.setExtensionId(1, 9);
            packet.remapExtensionIds(remap);
        }));
    }
}
