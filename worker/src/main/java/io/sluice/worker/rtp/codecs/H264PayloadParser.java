package io.sluice.worker.rtp.codecs;

import io.netty.buffer.ByteBuf;

/**
 * Key frames and frame boundaries of H.264 payloads (RFC 6184 §5.6 single NAL unit, §5.7.1
 * STAP-A, §5.8 FU-A). H.264 here carries no layer information: spatial and temporal layers read
 * as 0 and {@link PayloadDescriptor#hasLayerIndices()} is false.
 *
 * <p>A packet is a key frame when it carries an IDR slice (NAL type 5) or a sequence parameter set
 * (7): a single NAL unit of that type, a STAP-A containing one, or the first fragment (S bit) of a
 * FU-A of an IDR slice. A packet starts a frame when it can open an access unit (H.264
 * §7.4.1.2.3): it begins with an SEI, SPS, PPS or access unit delimiter, or with the first slice of
 * a picture (first_mb_in_slice = 0, whose ue(v) code is the single bit 1). When the parameter sets
 * and the slice travel in separate packets, both read as a start: the parser is stateless. The end
 * of a frame is the RTP marker (RFC 6184 §5.1).
 */
final class H264PayloadParser implements PayloadParser {

    static final H264PayloadParser INSTANCE = new H264PayloadParser();

    private static final int NAL_SLICE = 1;
    private static final int NAL_IDR_SLICE = 5;
    private static final int NAL_SEI = 6;
    private static final int NAL_SPS = 7;
    private static final int NAL_PPS = 8;
    private static final int NAL_ACCESS_UNIT_DELIMITER = 9;
    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    private H264PayloadParser() {
    }

    @Override
    public boolean parse(ByteBuf buffer, int payloadOffset, int payloadLength, boolean marker, PayloadDescriptor out) {
        out.clear();
        if (!Payloads.inBounds(buffer, payloadOffset, payloadLength) || payloadLength < 1) {
            return false;
        }
        int end = payloadOffset + payloadLength;
        int type = buffer.getUnsignedByte(payloadOffset) & 0x1F;
        if (type >= 1 && type <= 23) {
            out.keyFrame = type == NAL_IDR_SLICE || type == NAL_SPS;
            out.startOfFrame = opensAccessUnit(buffer, payloadOffset, end, type);
        } else if (type == STAP_A) {
            // RFC 6184 §5.7.1: STAP-A header, then (16-bit size, NAL unit) repeated.
            int index = payloadOffset + 1;
            boolean firstUnit = true;
            while (index < end) {
                if (index + 2 > end) {
                    return false;
                }
                int size = buffer.getUnsignedShort(index);
                index += 2;
                if (size == 0 || index + size > end) {
                    return false;
                }
                int unitType = buffer.getUnsignedByte(index) & 0x1F;
                if (unitType == NAL_IDR_SLICE || unitType == NAL_SPS) {
                    out.keyFrame = true;
                }
                if (firstUnit) {
                    out.startOfFrame = opensAccessUnit(buffer, index, index + size, unitType);
                    firstUnit = false;
                }
                index += size;
            }
            if (firstUnit) {
                return false;
            }
        } else if (type == FU_A) {
            // RFC 6184 §5.8: FU indicator, FU header |S|E|R|Type|, fragment.
            if (payloadLength < 2) {
                return false;
            }
            int header = buffer.getUnsignedByte(payloadOffset + 1);
            boolean start = (header & 0x80) != 0;
            int unitType = header & 0x1F;
            out.keyFrame = start && (unitType == NAL_IDR_SLICE || unitType == NAL_SPS);
            if (start && (unitType == NAL_SLICE || unitType == NAL_IDR_SLICE)) {
                out.startOfFrame = payloadLength > 2 && (buffer.getUnsignedByte(payloadOffset + 2) & 0x80) != 0;
            } else {
                out.startOfFrame = start && unitType >= NAL_SEI && unitType <= NAL_ACCESS_UNIT_DELIMITER;
            }
        } else if (type == 0) {
            return false;
        }
        // STAP-B, MTAP and FU-B (25-27, 29) belong to the interleaved mode WebRTC does not use, and
        // 30-31 are unspecified: none says anything a consumer needs beyond the marker.
        out.endOfFrame = marker;
        out.marker = marker;
        out.interPicturePredicted = !out.keyFrame;
        return true;
    }

    /** Whether a NAL unit of {@code type} at {@code index} can be the first of an access unit. */
    private static boolean opensAccessUnit(ByteBuf buffer, int index, int end, int type) {
        if (type == NAL_SLICE || type == NAL_IDR_SLICE) {
            return index + 1 < end && (buffer.getUnsignedByte(index + 1) & 0x80) != 0;
        }
        return type == NAL_SEI || type == NAL_SPS || type == NAL_PPS || type == NAL_ACCESS_UNIT_DELIMITER;
    }
}
