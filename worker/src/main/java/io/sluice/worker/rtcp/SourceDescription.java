package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Source description, SDES (RFC 3550 §6.5): header with SC, then SC chunks. A chunk is an SSRC
 * followed by items (type, length, UTF-8 text) and ended by one or more null octets up to the
 * next 32-bit boundary.
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {

    /** RFC 3550 §6.5.1 to §6.5.8: item types. */
    public static final int CNAME = 1;
    public static final int NAME = 2;
    public static final int EMAIL = 3;
    public static final int PHONE = 4;
    public static final int LOC = 5;
    public static final int TOOL = 6;
    public static final int NOTE = 7;
    public static final int PRIV = 8;

    public SourceDescription {
        if (chunks.size() > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("at most 31 chunks, got " + chunks.size());
        }
        chunks = List.copyOf(chunks);
    }

    /** The usual SDES: one chunk with the CNAME of {@code ssrc}. */
    public static SourceDescription ofCname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, List.of(new Item(CNAME, cname)))));
    }

    /** An item of a chunk; its text is at most 255 bytes of UTF-8. */
    public record Item(int type, String text) {
        public Item {
            if (type < 1 || type > 255 || text.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("bad SDES item type " + type + " or text over 255 bytes");
            }
        }
    }

    public record Chunk(long ssrc, List<Item> items) {
        public Chunk {
            items = List.copyOf(items);
        }

        /** The text of the first item of {@code type}, or null. */
        public String item(int type) {
            for (Item item : items) {
                if (item.type() == type) {
                    return item.text();
                }
            }
            return null;
        }

        int serializedLength() {
            int length = 4;
            for (Item item : items) {
                length += 2 + item.text().getBytes(StandardCharsets.UTF_8).length;
            }
            // At least one null octet ends the list, then padding to a word (RFC 3550 §6.5).
            return RtcpHeader.padToWords(length + 1);
        }

        void writeTo(ByteBuf dst) {
            int start = dst.writerIndex();
            dst.writeInt((int) ssrc);
            for (Item item : items) {
                byte[] text = item.text().getBytes(StandardCharsets.UTF_8);
                dst.writeByte(item.type());
                dst.writeByte(text.length);
                dst.writeBytes(text);
            }
            dst.writeZero(serializedLength() - (dst.writerIndex() - start));
        }
    }

    /** The CNAME of the first chunk that has one, or null. */
    public String cname() {
        for (Chunk chunk : chunks) {
            String cname = chunk.item(CNAME);
            if (cname != null) {
                return cname;
            }
        }
        return null;
    }

    public static SourceDescription parse(ByteBuf buf, int index, int length) {
        int content = RtcpHeader.contentLength(buf, index, length);
        if (content < 0 || RtcpHeader.packetType(buf, index) != RtcpHeader.TYPE_SDES) {
            return null;
        }
        int end = index + content;
        int count = RtcpHeader.count(buf, index);
        List<Chunk> chunks = new ArrayList<>(count);
        int cursor = index + RtcpHeader.LENGTH;
        for (int i = 0; i < count; i++) {
            if (cursor + 4 > end) {
                return null;
            }
            long ssrc = buf.getUnsignedInt(cursor);
            cursor += 4;
            List<Item> items = new ArrayList<>(1);
            while (true) {
                if (cursor >= end) {
                    return null;
                }
                int type = buf.getUnsignedByte(cursor);
                if (type == 0) {
                    break;
                }
                if (cursor + 2 > end) {
                    return null;
                }
                int textLength = buf.getUnsignedByte(cursor + 1);
                if (cursor + 2 + textLength > end) {
                    return null;
                }
                items.add(new Item(type, buf.toString(cursor + 2, textLength, StandardCharsets.UTF_8)));
                cursor += 2 + textLength;
            }
            // Skip the null octets up to the next word boundary (relative to the packet start).
            cursor = index + RtcpHeader.padToWords(cursor + 1 - index);
            if (cursor > end) {
                return null;
            }
            chunks.add(new Chunk(ssrc, items));
        }
        return new SourceDescription(chunks);
    }

    @Override
    public int packetType() {
        return RtcpHeader.TYPE_SDES;
    }

    @Override
    public int count() {
        return chunks.size();
    }

    @Override
    public int serializedLength() {
        int length = RtcpHeader.LENGTH;
        for (Chunk chunk : chunks) {
            length += chunk.serializedLength();
        }
        return length;
    }

    @Override
    public void writeTo(ByteBuf dst) {
        RtcpHeader.write(dst, count(), RtcpHeader.TYPE_SDES, serializedLength());
        for (Chunk chunk : chunks) {
            chunk.writeTo(dst);
        }
    }
}
