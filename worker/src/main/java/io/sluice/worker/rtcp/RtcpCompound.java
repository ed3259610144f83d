package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and writes compound RTCP packets (RFC 3550 §6.1). A compound usually starts with an SR
 * or RR; reduced-size RTCP (RFC 5506 §3) allows a compound of feedback packets alone, so any
 * first packet is accepted.
 */
public final class RtcpCompound {

    private RtcpCompound() {
    }

    /**
     * Parses every packet of the compound in {@code buf}'s readable bytes. Returns null when a
     * header is malformed or a known packet type has a malformed body; unknown types become
     * {@link RawRtcpPacket}s.
     */
    public static List<RtcpPacket> parse(ByteBuf buf) {
        RtcpCompoundIterator iterator = new RtcpCompoundIterator().reset(buf);
        List<RtcpPacket> packets = new ArrayList<>(4);
        while (iterator.next()) {
            RtcpPacket packet = iterator.parse();
            if (packet == null) {
                return null;
            }
            packets.add(packet);
        }
        return iterator.isMalformed() ? null : packets;
    }

    public static int serializedLength(List<? extends RtcpPacket> packets) {
        int length = 0;
        for (RtcpPacket packet : packets) {
            length += packet.serializedLength();
        }
        return length;
    }

    /** Writes the packets one after the other at {@code dst}'s writer index. */
    public static void write(List<? extends RtcpPacket> packets, ByteBuf dst) {
        dst.ensureWritable(serializedLength(packets));
        for (RtcpPacket packet : packets) {
            packet.writeTo(dst);
        }
    }
}
