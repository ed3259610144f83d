package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Goodbye, BYE (RFC 3550 §6.6): header with SC, SC SSRCs, then optionally a reason (length
 * octet and UTF-8 text) padded with null octets to a word.
 *
 * @param reason the reason for leaving, empty when absent
 */
public record Bye(List<Long> ssrcs, String reason) implements RtcpPacket {

    public Bye {
        if (ssrcs.size() > RtcpHeader.MAX_COUNT || reason.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("at most 31 SSRCs and 255 bytes of reason");
        }
        ssrcs = List.copyOf(ssrcs);
    }

    public static Bye parse(ByteBuf buf, int index, int length) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < 0 || RtcpHeader.packetType(buf, index) != RtcpHeader.TYPE_BYE) {
            return null;
        }
        int count = RtcpHeader.count(buf, index);
        int cursor = index + RtcpHeader.LENGTH;
        int end = index + content;
        if (cursor + 4 * count > end) {
            return null;
        }
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++, cursor += 4) {
            ssrcs.add(buf.getUnsignedInt(cursor));
        }
        String reason = "";
        if (cursor < end) {
            int reasonLength = buf.getUnsignedByte(cursor);
            if (cursor + 1 + reasonLength > end) {
                return null;
            }
            reason = buf.toString(cursor + 1, reasonLength, StandardCharsets.UTF_8);
        }
        return new Bye(ssrcs, reason);
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_BYE;
    }

    @Override
    public int count() {
        return ssrcs.size();
    }

    @Override
    public int serializedLength() {
        int length = RtcpHeader.LENGTH + 4 * ssrcs.size();
        if (!reason.isEmpty()) {
            length += RtcpHeader.padToWords(1 + reason.getBytes(StandardCharsets.UTF_8).length);
        }
        return length;
    }

    @Override
    public void writeTo(ByteBuf dst) {
        RtcpHeader.write(dst, count(), RtcpHeader.TYPE_BYE, serializedLength());
        for (long ssrc : ssrcs) {
            dst.writeInt((int) ssrc);
        }
        if (!reason.isEmpty()) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            dst.writeByte(text.length);
            dst.writeBytes(text);
            dst.writeZero(RtcpHeader.padToWords(1 + text.length) - 1 - text.length);
        }
    }
}
