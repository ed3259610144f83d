package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * The VP9 payload descriptor (RFC 9628 §4.2), in flexible and non-flexible mode, with the
 * scalability structure (§4.2.1) read far enough to skip it and learn the spatial layer count.
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |I|P|L|F|B|E|V|Z| (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PICTURE ID  | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * M:   | EXTENDED PID  | (RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 * L:   | TID |U| SID |D| (Conditionally RECOMMENDED)
 *      +-+-+-+-+-+-+-+-+
 *      |   TL0PICIDX   | (non-flexible mode only, F=0)
 *      +-+-+-+-+-+-+-+-+                             -\
 * P,F: | P_DIFF      |N| (Conditionally REQUIRED)    - up to 3 times
 *      +-+-+-+-+-+-+-+-+                             -/
 * V:   | SS            |
 *      | ..            |
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 */
final class Vp9PayloadParser implements PayloadParser {

    static final Vp9PayloadParser INSTANCE = new Vp9PayloadParser();

    /** RFC 9628 §4.2: "up to 3 times". */
    static final int MAX_REFERENCES = 3;
    /** VP9 bitstream §6.2: the two bits that open every frame's uncompressed header. */
    private static final int FRAME_MARKER = 2;

    private Vp9PayloadParser() {
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
        boolean hasPictureId = (first & 0x80) != 0;
        boolean interPicturePredicted = (first & 0x40) != 0;
        boolean hasLayerIndices = (first & 0x20) != 0;
        boolean flexibleMode = (first & 0x10) != 0;
        boolean hasScalabilityStructure = (first & 0x02) != 0;
        out.interPicturePredicted = interPicturePredicted;
        out.flexibleMode = flexibleMode;
        out.startOfFrame = (first & 0x08) != 0;
        out.endOfFrame = (first & 0x04) != 0;
        out.marker = marker;
        if (hasPictureId) {
            index = Payloads.readPictureId(buffer, index, end, payloadOffset, out);
            if (index < 0) {
                return false;
            }
        }
        if (hasLayerIndices) {
            if (index >= end) {
                return false;
            }
            int layers = buffer.getUnsignedByte(index++);
            out.temporalLayer = layers >>> 5;
            out.layerSync = (layers & 0x10) != 0;
            out.spatialLayer = (layers >>> 1) & 0x07;
            out.interLayerDependency = (layers & 0x01) != 0;
            out.hasLayerIndices = true;
            if (!flexibleMode) {
                index = Payloads.readTl0PicIdx(buffer, index, end, payloadOffset, out);
                if (index < 0) {
                    return false;
                }
            }
        }
        if (flexibleMode && interPicturePredicted) {
            int references = 0;
            boolean more = true;
            while (more) {
                if (index >= end || references == MAX_REFERENCES) {
                    return false;
                }
                more = (buffer.getUnsignedByte(index++) & 0x01) != 0;
                references++;
            }
        }
        if (hasScalabilityStructure) {
            index = skipScalabilityStructure(buffer, index, end, out);
            if (index < 0) {
                return false;
            }
        }
        if (out.startOfFrame && !interPicturePredicted) {
            out.keyFrame = out.spatialLayer == 0
                    ? !knownInterFrame(buffer, index, end)
                    : out.interLayerDependency;
        }
        return true;
    }

    /**
     * Whether the VP9 frame starting at {@code index} says, in its uncompressed header (VP9
     * bitstream §6.2: frame_marker, profile bits, show_existing_frame, frame_type), that it is no
     * key frame. Some senders (ffmpeg's packetizer) leave P at 0 on every frame; libwebrtc sets it
     * right, and a header that cannot be read leaves the P bit's word standing.
     */
    private static boolean knownInterFrame(ByteBuf buffer, int index, int end) {
        if (index >= end) {
            return false;
        }
        int header = buffer.getUnsignedByte(index);
        if ((header >>> 6) != FRAME_MARKER) {
            return false;
        }
        int profile = ((header >>> 5) & 0x01) | ((header >>> 3) & 0x02);
        int shift = profile == 3 ? 1 : 0;
        boolean showExistingFrame = ((header >>> (3 - shift)) & 0x01) != 0;
        boolean interFrame = ((header >>> (2 - shift)) & 0x01) != 0;
        return showExistingFrame || interFrame;
    }

    /**
     * RFC 9628 §4.2.1: the scalability structure. Returns the index after it, or -1 when it is
     * truncated.
     *
     * <pre>
     *      +-+-+-+-+-+-+-+-+
     * V:   | N_S |Y|G|-|-|-|
     *      +-+-+-+-+-+-+-+-+              -\
     * Y:   |     WIDTH     | (16 bits)     . - N_S + 1 times
     *      |     HEIGHT    | (16 bits)     .
     *      +-+-+-+-+-+-+-+-+              -/
     * G:   |      N_G      | (OPTIONAL)
     *      +-+-+-+-+-+-+-+-+                            -\
     * N_G: |  TID  |U| R |-|-| (OPTIONAL)               .
     *      +-+-+-+-+-+-+-+-+              -\            . - N_G times
     *      |    P_DIFF     | (OPTIONAL)    . - R times  .
     *      +-+-+-+-+-+-+-+-+              -/            -/
     * </pre>
     */
    private static int skipScalabilityStructure(ByteBuf buffer, int index, int end, PayloadDescriptor out) {
        if (index >= end) {
            return -1;
        }
        int header = buffer.getUnsignedByte(index++);
        int spatialLayers = (header >>> 5) + 1;
        boolean hasResolutions = (header & 0x10) != 0;
        boolean hasGroupOfPictures = (header & 0x08) != 0;
        if (hasResolutions) {
            index += 4 * spatialLayers;
            if (index > end) {
                return -1;
            }
        }
        if (hasGroupOfPictures) {
            if (index >= end) {
                return -1;
            }
            int pictures = buffer.getUnsignedByte(index++);
            for (int i = 0; i < pictures; i++) {
                if (index >= end) {
                    return -1;
                }
                int references = (buffer.getUnsignedByte(index++) >>> 2) & 0x03;
                index += references;
                if (index > end) {
                    return -1;
                }
            }
        }
        out.spatialLayerCount = spatialLayers;
        return index;
    }
}
