package io.sluice.worker.fuzz;

import static io.sluice.worker.fuzz.FuzzInputs.hex;

import io.sluice.worker.rtp.codecs.PayloadDescriptor;
import io.sluice.worker.rtp.codecs.PayloadParser;
import org.junit.jupiter.api.Test;

/**
 * The video payload descriptors the worker reads for layers and key frames: VP8 (RFC 7741 §4.2),
 * VP9 (RFC 9628 §4.2), H264 (RFC 6184 §5.2-§5.8: single NAL, STAP-A, FU-A) and AV1 (AV1 RTP
 * spec §4.4 aggregation header, OBU headers): {@code parse} answers false on anything malformed,
 * never throws, reads only inside the payload it was given and leaves the buffer alone.
 */
class PayloadDescriptorFuzzTest {

    @Test
    void vp8() {
        // X=1 S=1 PID 0; I L T K: 15-bit picture id, TL0PICIDX, TID/Y/KEYIDX; then a key frame header.
        fuzz("video/VP8", hex("90 F0 8123 05 60 9d012a 000000"), hex("10 00 9d012a"), hex("80 80 7f 00"));
    }

    @Test
    void vp9() {
        // I P L F B E V Z flags; 15-bit picture id; layer indices; scalability structure (V).
        fuzz("video/VP9", hex("AE 8123 21 05 18 0280 01e0 01 04 01"), hex("8C 8123 20"), hex("0C 00"),
                hex("A2 0001 10 0500 0200 01 14 04"));
    }

    @Test
    void h264() {
        // Single IDR NAL; STAP-A with SPS and PPS; FU-A start of an IDR.
        fuzz("video/H264", hex("65 88 84 00"), hex("18 0004 67 42c01f 0002 68 ce"), hex("7C 85 88 84"),
                hex("7C 45 00"));
    }

    @Test
    void av1() {
        // Aggregation header Z=0 Y=0 W=2 N=1; OBU sequence header with size field; a frame OBU.
        fuzz("video/AV1", hex("28 0b 0a 0b 00000002 afff9f 01 10 32 03 01 02 03"), hex("10 32 00"),
                hex("18 03 0a 01 00 32 00"));
    }

    private static void fuzz(String mimeType, byte[]... seeds) {
        PayloadParser parser = PayloadParser.forMimeType(mimeType);
        PayloadDescriptor descriptor = new PayloadDescriptor();
        Fuzz.forAll(mimeType, FuzzInputs.bytesOrMutated(seeds), input -> FuzzInputs.inBuffer(input, buf -> {
            int readerIndex = buf.readerIndex();
            int writerIndex = buf.writerIndex();
            // The payload is given by offset and length inside a larger buffer, as in an RTP packet.
            parser.parse(buf, readerIndex, buf.readableBytes(), (input.length & 1) == 1, descriptor);
            if (buf.readerIndex() != readerIndex || buf.writerIndex() != writerIndex) {
                throw new AssertionError("the parser moved the buffer's indexes");
            }
        }));
    }
}
