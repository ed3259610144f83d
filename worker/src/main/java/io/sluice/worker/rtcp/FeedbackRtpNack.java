package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Generic NACK (RFC 4585 §6.2.1): transport layer feedback, FMT 1, whose FCI is one or more
 * {@code PID | BLP} words. PID is a lost sequence number; bit i of BLP (least significant first)
 * says PID + i + 1 was lost too.
 */
public record FeedbackRtpNack(long senderSsrc, long mediaSsrc, List<Item> items) implements FeedbackPacket {

    public static final int FMT = 1;
    /** One {@code PID | BLP} word. */
    public static final int ITEM_LENGTH = 4;

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
        int itemCount = itemCount(buf, index, length);
        if (itemCount < 1) {
            return null;
        }
        List<Item> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            items.add(new Item(packetId(buf, index, i), lostBitmask(buf, index, i)));
        }
        return new FeedbackRtpNack(FeedbackPacket.senderSsrc(buf, index), FeedbackPacket.mediaSsrc(buf, index), items);
    }

    /**
     * The FCI items of the NACK in the {@code length} bytes at {@code index}, 0 when they are no
     * NACK (or one without items): the hot path reads them in place with {@link #forEachLost},
     * allocating nothing.
     */
    public static int itemCount(ByteBuf buf, int index, int length) {
        int content = FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_RTPFB, FMT);
        return content < 0 ? 0 : (content - COMMON_LENGTH) / ITEM_LENGTH;
    }

    /** PID of item {@code item} (below {@link #itemCount}). */
    public static int packetId(ByteBuf buf, int index, int item) {
        return buf.getUnsignedShort(index + COMMON_LENGTH + ITEM_LENGTH * item);
    }

    /** BLP of item {@code item}. */
    public static int lostBitmask(ByteBuf buf, int index, int item) {
        return buf.getUnsignedShort(index + COMMON_LENGTH + ITEM_LENGTH * item + 2);
    }

    /** Each sequence number the first {@code itemCount} items of the NACK at {@code index} report lost, in order. */
    public static void forEachLost(ByteBuf buf, int index, int itemCount, IntConsumer lost) {
        for (int item = 0; item < itemCount; item++) {
            forEachLost(packetId(buf, index, item), lostBitmask(buf, index, item), lost);
        }
    }

    /** PID, then PID + i + 1 for each bit i of BLP that is set (§6.2.1). */
    public static void forEachLost(int packetId, int lostBitmask, IntConsumer lost) {
        lost.accept(packetId);
        for (int bit = 0; bit < 16; bit++) {
            if ((lostBitmask & (1 << bit)) != 0) {
                lost.accept((packetId + bit + 1) & 0xffff);
            }
        }
    }

    /** Every sequence number reported lost, in the order of the items. */
    public int[] lostSequenceNumbers() {
        int total = 0;
        for (Item item : items) {
            total += item.lostCount();
        }
        int[] lost = new int[total];
        int[] next = {0};
        for (Item item : items) {
            forEachLost(item.packetId(), item.lostBitmask(), sequenceNumber -> lost[next[0]++] = sequenceNumber);
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
        return COMMON_LENGTH + ITEM_LENGTH * items.size();
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
