package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * An RTCP packet of a type (or feedback FMT) Sluice does not interpret, kept as a copy of its
 * bytes, padding included, so that it can be skipped or relayed unchanged.
 */
public record RawRtcpPacket(byte[] bytes) implements RtcpPacket {

    public static RawRtcpPacket parse(ByteBuf buf, int index, int length) {
        if (RtcpHeader.contentLength(buf, index, length) < 0) {
            return null;
        }
        byte[] bytes = new byte[RtcpHeader.packetLength(buf, index)];
        buf.getBytes(index, bytes);
        return new RawRtcpPacket(bytes);
    }

    @Override
    public int packetType() {
        return bytes[1] & 0xff;
    }

    @Override
    public int count() {
        return bytes[0] & 0x1f;
    }

    @Override
    public int serializedLength() {
        return bytes.length;
    }

    @Override
    public void writeTo(ByteBuf dst) {
        dst.writeBytes(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawRtcpPacket raw && Arrays.equals(bytes, raw.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "RawRtcpPacket[type=" + packetType() + ", count=" + count() + ", length=" + bytes.length + "]";
    }
}
