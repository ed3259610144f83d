package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Generic NACK (RFC 4585 §6.2.1): transport layer feedback, FMT 1, whose FCI is one or more
 * {@code PID | BLP} words. PID is a lost sequence number; bit i of BLP (least significant first)
 * says PID + i + 1 was lost too.
 */
public record FeedbackRtpNack(long senderSsrc, long mediaSsrc, List<Item> items) implements FeedbackPacket {

    public static final int FMT = 1;

    /** One FCI word. */
    public record Item(int packetId, int lostBitmask) {
        public Item {
            if ((packetId & ~0xffff) != 0 || (lostBitmask & ~0xffff) != 0) {
                throw new IllegalArgumentException("PID and BLP are 16-bit");
            }
        }

        /** Sequence numbers this item reports lost: PID then each BLP bit set. */
        public int lostCount() {
            return 1 + Integer.bitCount(lostBitmask);
        }
    }

    public FeedbackRtpNack {
        items = List.copyOf(items);
    }

    /**
     * Builds the NACK for {@code lostSequenceNumbers} given in RTP order (RFC 3550 §A.1 modular
     * arithmetic: each one after the previous); each goes into the current item while it is
     * 1 to 16 after its PID, else it starts a new item.
     */
    public static FeedbackRtpNack ofLostSequenceNumbers(long senderSsrc, long mediaSsrc, int[] lostSequenceNumbers) {
        List<Item> items = new ArrayList<>();
        int packetId = -1;
        int bitmask = 0;
        for (int sequenceNumber : lostSequenceNumbers) {
            int distance = packetId < 0 ? -1 : (sequenceNumber - packetId) & 0xffff;
            if (distance >= 1 && distance <= 16) {
                bitmask |= 1 << (distance - 1);
                continue;
            }
            if (packetId >= 0) {
                items.add(new Item(packetId, bitmask));
            }
            packetId = sequenceNumber & 0xffff;
            bitmask = 0;
        }
        if (packetId >= 0) {
            items.add(new Item(packetId, bitmask));
        }
        return new FeedbackRtpNack(senderSsrc, mediaSsrc, items);
    }

    public static FeedbackRtpNack parse(ByteBuf buf, int index, int length) {
        int content = FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_RTPFB, FMT);
        int itemCount = (content - COMMON_LENGTH) / 4;
        if (content < 0 || itemCount < 1) {
            return null;
        }
        List<Item> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            int word = index + COMMON_LENGTH + 4 * i;
            items.add(new Item(buf.getUnsignedShort(word), buf.getUnsignedShort(word + 2)));
        }
        return new FeedbackRtpNack(buf.getUnsignedInt(index + 4), buf.getUnsignedInt(index + 8), items);
    }

    /** Every sequence number reported lost, in the order of the items. */
    public int[] lostSequenceNumbers() {
        int total = 0;
        for (Item item : items) {
            total += item.lostCount();
        }
        int[] lost = new int[total];
        int next = 0;
        for (Item item : items) {
            lost[next++] = item.packetId();
            for (int bit = 0; bit < 16; bit++) {
                if ((item.lostBitmask() & (1 << bit)) != 0) {
                    lost[next++] = (item.packetId() + bit + 1) & 0xffff;
                }
            }
        }
        return lost;
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_RTPFB;
    }

    @Override
    public int count() {
        return FMT;
    }

    @Override
    public int serializedLength() {
        return COMMON_LENGTH + 4 * items.size();
    }

    @Override
    public void writeTo(ByteBuf dst) {
        FeedbackPacket.writeCommon(dst, FMT, RtcpHeader.TYPE_RTPFB, serializedLength(), senderSsrc, mediaSsrc);
        for (Item item : items) {
            dst.writeShort(item.packetId());
            dst.writeShort(item.lostBitmask());
        }
    }
}
