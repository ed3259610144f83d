package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extended report, XR (RFC 3611 §2): header (the 5 bits after P are reserved), SSRC of the
 * packet sender, then report blocks, each {@code BT | type-specific | block length (words)}.
 * Sluice reads the two blocks that give receivers an RTT: receiver reference time (§4.4) and
 * DLRR (§4.5); other blocks are kept as raw bytes.
 */
public record ExtendedReport(long senderSsrc, List<Block> blocks) implements RtcpPacket {

    /** Header and SSRC. */
    public static final int FIXED_LENGTH = 8;
    public static final int BLOCK_HEADER_LENGTH = 4;

    public ExtendedReport {
        blocks = List.copyOf(blocks);
    }

    public sealed interface Block permits ReceiverReferenceTime, Dlrr, UnknownBlock {
        int blockType();

        /** Bytes after the block header, a multiple of 4. */
        int bodyLength();

        void writeTo(ByteBuf dst);
    }

    /** RFC 3611 §4.4: BT=4, the receiver's NTP timestamp, so a sender can answer with DLRR. */
    public record ReceiverReferenceTime(long ntpTimestamp) implements Block {
        public static final int BLOCK_TYPE = 4;

        @Override
        public int blockType() {
            return BLOCK_TYPE;
        }

        @Override
        public int bodyLength() {
            return 8;
        }

        @Override
        public void writeTo(ByteBuf dst) {
            writeBlockHeader(dst, BLOCK_TYPE, 0, bodyLength());
            dst.writeLong(ntpTimestamp);
        }
    }

    /**
     * RFC 3611 §4.5: one sub-block per receiver: its SSRC, the middle 32 bits of its last RRTR
     * (LRR) and the delay since then in 1/65536 s (DLRR).
     */
    public record DlrrItem(long ssrc, long lastReceiverReport, long delaySinceLastReceiverReport) {
    }

    /** RFC 3611 §4.5: BT=5. */
    public record Dlrr(List<DlrrItem> items) implements Block {
        public static final int BLOCK_TYPE = 5;

        public Dlrr {
            items = List.copyOf(items);
        }

        @Override
        public int blockType() {
            return BLOCK_TYPE;
        }

        @Override
        public int bodyLength() {
            return 12 * items.size();
        }

        @Override
        public void writeTo(ByteBuf dst) {
            writeBlockHeader(dst, BLOCK_TYPE, 0, bodyLength());
            for (DlrrItem item : items) {
                dst.writeInt((int) item.ssrc());
                dst.writeInt((int) item.lastReceiverReport());
                dst.writeInt((int) item.delaySinceLastReceiverReport());
            }
        }
    }

    /** A block type Sluice does not interpret, kept as its body bytes. */
    public record UnknownBlock(int blockType, int typeSpecific, byte[] body) implements Block {
        @Override
        public int bodyLength() {
            return body.length;
        }

        @Override
        public void writeTo(ByteBuf dst) {
            writeBlockHeader(dst, blockType, typeSpecific, body.length);
            dst.writeBytes(body);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof UnknownBlock that && blockType == that.blockType
                    && typeSpecific == that.typeSpecific && Arrays.equals(body, that.body);
        }

        @Override
        public int hashCode() {
            return blockType * 31 + Arrays.hashCode(body);
        }
    }

    private static void writeBlockHeader(ByteBuf dst, int blockType, int typeSpecific, int bodyLength) {
        dst.writeByte(blockType);
        dst.writeByte(typeSpecific);
        dst.writeShort(bodyLength / 4);
    }

    public static ExtendedReport parse(ByteBuf buf, int index, int length) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < FIXED_LENGTH || RtcpHeader.packetType(buf, index) != RtcpHeader.TYPE_XR) {
            return null;
        }
        int end = index + content;
        int cursor = index + FIXED_LENGTH;
        List<Block> blocks = new ArrayList<>(2);
        while (cursor < end) {
            if (cursor + BLOCK_HEADER_LENGTH > end) {
                return null;
            }
            int blockType = buf.getUnsignedByte(cursor);
            int typeSpecific = buf.getUnsignedByte(cursor + 1);
            int bodyLength = 4 * buf.getUnsignedShort(cursor + 2);
            int body = cursor + BLOCK_HEADER_LENGTH;
            if (body + bodyLength > end) {
                return null;
            }
            Block block = switch (blockType) {
                case ReceiverReferenceTime.BLOCK_TYPE -> bodyLength == 8
                        ? new ReceiverReferenceTime(buf.getLong(body)) : null;
                case Dlrr.BLOCK_TYPE -> bodyLength % 12 == 0 ? readDlrr(buf, body, bodyLength / 12) : null;
                default -> {
                    byte[] bytes = new byte[bodyLength];
                    buf.getBytes(body, bytes);
                    yield new UnknownBlock(blockType, typeSpecific, bytes);
                }
            };
            if (block == null) {
                return null;
            }
            blocks.add(block);
            cursor = body + bodyLength;
        }
        return new ExtendedReport(buf.getUnsignedInt(index + 4), blocks);
    }

    private static Dlrr readDlrr(ByteBuf buf, int index, int itemCount) {
        List<DlrrItem> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            int item = index + 12 * i;
            items.add(new DlrrItem(buf.getUnsignedInt(item), buf.getUnsignedInt(item + 4),
                    buf.getUnsignedInt(item + 8)));
        }
        return new Dlrr(items);
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_XR;
    }

    @Override
    public int count() {
        return 0;
    }

    @Override
    public int serializedLength() {
        int length = FIXED_LENGTH;
        for (Block block : blocks) {
            length += BLOCK_HEADER_LENGTH + block.bodyLength();
        }
        return length;
    }

    @Override
    public void writeTo(ByteBuf dst) {
        RtcpHeader.write(dst, 0, RtcpHeader.TYPE_XR, serializedLength());
        dst.writeInt((int) senderSsrc);
        for (Block block : blocks) {
            block.writeTo(dst);
        }
    }
}
