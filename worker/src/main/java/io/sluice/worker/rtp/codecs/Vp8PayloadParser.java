package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * The VP8 payload descriptor (RFC 7741 §4.2) and the key frame flag of the VP8 payload header
 * (RFC 7741 §4.3).
 *
 * <pre>
 *        0 1 2 3 4 5 6 7
 *       +-+-+-+-+-+-+-+-+
 *       |X|R|N|S|R| PID | (REQUIRED)
 *       +-+-+-+-+-+-+-+-+
 *  X:   |I|L|T|K| RSV   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  I:   |M| PictureID   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  M:   |   PictureID   | (second byte when M=1: 15-bit picture id)
 *       +-+-+-+-+-+-+-+-+
 *  L:   |   TL0PICIDX   | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *  T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *       +-+-+-+-+-+-+-+-+
 *       | payload header: |Size0|H| VER |P| ... (first packet of a frame only)
 * </pre>
 */
final class Vp8PayloadParser implements PayloadParser {

    static final Vp8PayloadParser INSTANCE = new Vp8PayloadParser();

    private Vp8PayloadParser() {
    }

    @Override
    public boolean parse(ByteBuf buffer, int payloadOffset, int payloadLength, boolean marker, PayloadDescriptor out) {
        out.clear();
        if (!Payloads.inBounds(buffer, payloadOffset, payloadLength) || payloadLength < 1) {
            return false;
        }
        int end = payloadOffset + payloadLength;
        int index = payloadOffset;
        int first = buffer.getUnsignedByte(index++);
        boolean extended = (first & 0x80) != 0;
        boolean startOfPartition = (first & 0x10) != 0;
        int partitionIndex = first & 0x07;
        boolean hasTl0PicIdx = false;
        boolean hasTid = false;
        boolean hasKeyIdx = false;
        if (extended) {
            if (index >= end) {
                return false;
            }
            int x = buffer.getUnsignedByte(index++);
            boolean hasPictureId = (x & 0x80) != 0;
            hasTl0PicIdx = (x & 0x40) != 0;
            hasTid = (x & 0x20) != 0;
            hasKeyIdx = (x & 0x10) != 0;
            if (hasPictureId) {
                index = Payloads.readPictureId(buffer, index, end, payloadOffset, out);
                if (index < 0) {
                    return false;
                }
            }
            if (hasTl0PicIdx) {
                index = Payloads.readTl0PicIdx(buffer, index, end, payloadOffset, out);
                if (index < 0) {
                    return false;
                }
            }
            if (hasTid || hasKeyIdx) {
                if (index >= end) {
                    return false;
                }
                int tk = buffer.getUnsignedByte(index++);
                if (hasTid) {
                    out.temporalLayer = tk >>> 6;
                    out.layerSync = (tk & 0x20) != 0;
                    out.hasLayerIndices = true;
                }
                if (hasKeyIdx) {
                    out.keyIndex = tk & 0x1F;
                }
            }
        }
        boolean firstPacketOfFrame = startOfPartition && partitionIndex == 0;
        if (firstPacketOfFrame) {
            // RFC 7741 §4.3: the frame's payload header follows; its P bit is 0 for a key frame.
            if (index >= end) {
                return false;
            }
            out.keyFrame = (buffer.getUnsignedByte(index) & 0x01) == 0;
        }
        out.startOfFrame = firstPacketOfFrame;
        out.endOfFrame = marker;
        out.marker = marker;
        out.interPicturePredicted = !out.keyFrame;
        return true;
    }
}
