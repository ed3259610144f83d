package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * The AV1 aggregation header (AV1 RTP specification §4.4). Layer information of AV1 travels in the
 * dependency descriptor header extension, not in the payload, so this parser reports no layers;
 * it finds key frames and frame starts.
 *
 * <pre>
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Z|Y| W |N|-|-|-|
 * +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>N=1 marks the first packet of a coded video sequence, which starts with a key frame: that is
 * {@link PayloadDescriptor#keyFrame()}. A packet starts a frame when its first OBU element is not
 * the continuation of an earlier OBU (Z=0) and is a sequence header, temporal delimiter, frame
 * header or frame OBU (AV1 §5.3.1 obu_type 1, 2, 3, 6). The end of a frame is the RTP marker.
 */
final class Av1PayloadParser implements PayloadParser {

    static final Av1PayloadParser INSTANCE = new Av1PayloadParser();

    private static final int OBU_SEQUENCE_HEADER = 1;
    private static final int OBU_TEMPORAL_DELIMITER = 2;
    private static final int OBU_FRAME_HEADER = 3;
    private static final int OBU_FRAME = 6;
    private static final int MAX_LEB128_BYTES = 8;

    private Av1PayloadParser() {
    }

    @Override
    public boolean parse(ByteBuf buffer, int payloadOffset, int payloadLength, boolean marker, PayloadDescriptor out) {
        out.clear();
        if (!Payloads.inBounds(buffer, payloadOffset, payloadLength) || payloadLength < 2) {
            return false;
        }
        int end = payloadOffset + payloadLength;
        int header = buffer.getUnsignedByte(payloadOffset);
        boolean continuation = (header & 0x80) != 0;
        int elementCount = (header >>> 4) & 0x03;
        out.keyFrame = (header & 0x08) != 0;
        int index = payloadOffset + 1;
        if (elementCount != 1) {
            // Every element but the last of a W=2 or W=3 packet, and each of a W=0 packet, starts
            // with its length as leb128 (§4.4).
            int lengthBytes = 0;
            int lengthByte;
            do {
                if (index >= end || lengthBytes == MAX_LEB128_BYTES) {
                    return false;
                }
                lengthByte = buffer.getUnsignedByte(index++);
                lengthBytes++;
            } while ((lengthByte & 0x80) != 0);
            if (index >= end) {
                return false;
            }
        }
        if (!continuation) {
            int obuType = (buffer.getUnsignedByte(index) >>> 3) & 0x0F;
            out.startOfFrame = obuType == OBU_SEQUENCE_HEADER || obuType == OBU_TEMPORAL_DELIMITER
                    || obuType == OBU_FRAME_HEADER || obuType == OBU_FRAME;
        }
        out.endOfFrame = marker;
        out.marker = marker;
        out.interPicturePredicted = !out.keyFrame;
        return true;
    }
}
