package io.sluice.worker.rtp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Adds an RFC 8285 header extension element to a packet that lacks it, in place in its buffer:
 * the payload (and padding) is moved towards the end of the buffer by the few bytes the header
 * grows, so the packet is neither copied again nor reallocated. The form follows RFC 8285: the
 * one-byte form (§4.2: ids 1 to 14, values of 1 to 16 bytes) when the packet has no extension or
 * already uses it and the element fits it, the two-byte form (§4.3: ids 1 to 255, values of 0 to
 * 255 bytes) when the packet uses it, and a one-byte block that cannot carry the element is
 * rewritten in the two-byte form. The data is padded with zeros to a 32-bit boundary
 * (RFC 3550 §5.3.1; §4.2 and §4.3 allow padding bytes between and after elements); padding
 * already at the end of the data is used first. One instance per sending stream (its scratch
 * array serves that rewrite); nothing is allocated per packet.
 */
public final class RtpExtensionInserter {

    /** The most a packet grows: a new extension header (4 bytes) and an element padded to a word, or a rewritten block. */
    public static final int MAX_GROWTH = 32;
    private static final int ONE_BYTE_MAX_ID = 14;
    private static final int ONE_BYTE_MAX_LENGTH = 16;
    private static final int TWO_BYTE_MAX_ID = 255;
    private static final int TWO_BYTE_MAX_LENGTH = 255;
    /** A one-byte block larger than this is not rewritten (browsers send a few dozen bytes). */
    private static final int MAX_REWRITTEN_LENGTH = 256;

    private final byte[] scratch = new byte[MAX_REWRITTEN_LENGTH];

    /**
     * Adds element {@code id} with a zeroed value of {@code valueLength} bytes to {@code packet},
     * which must end at its buffer's writer index; the buffer keeps at least {@code keepWritable}
     * writable bytes after the grown packet (SRTP's tag). Re-points {@code packet} at the grown
     * packet and returns the absolute index of the new value, or -1 (the packet untouched) when
     * the element is present already, the packet carries a non-RFC 8285 extension (RFC 3550
     * §5.3.1 allows only one), neither form can carry it, or the buffer has no room.
     */
    public int insert(RtpPacket packet, int id, int valueLength, int keepWritable) {
        ByteBuf buf = packet.buffer();
        int start = packet.offset();
        int end = start + packet.length();
        if (end != buf.writerIndex() || id < 1 || id > TWO_BYTE_MAX_ID || valueLength < 0
                || valueLength > TWO_BYTE_MAX_LENGTH || packet.hasExtension(id)) {
            return -1;
        }
        boolean fitsOneByte = id <= ONE_BYTE_MAX_ID && valueLength >= 1 && valueLength <= ONE_BYTE_MAX_LENGTH;
        int grownLength;
        if (!packet.hasHeaderExtension()) {
            grownLength = addBlock(packet, id, valueLength, fitsOneByte, keepWritable);
        } else if (packet.hasOneByteExtensions() && fitsOneByte || packet.hasTwoByteExtensions()) {
            grownLength = appendElement(packet, id, valueLength, keepWritable);
        } else if (packet.hasOneByteExtensions()) {
            grownLength = rewriteAsTwoByte(packet, id, valueLength, keepWritable);
        } else {
            return -1;
        }
        if (grownLength < 0 || !packet.wrap(buf, start, grownLength)) {
            return -1;
        }
        return packet.extensionOffset(id);
    }

    /** No extension yet: a block of its own after the CSRCs, the X bit set. Returns the new length or -1. */
    private static int addBlock(RtpPacket packet, int id, int valueLength, boolean oneByte, int keepWritable) {
        ByteBuf buf = packet.buffer();
        int start = packet.offset();
        int at = start + RtpPacket.FIXED_HEADER_LENGTH + 4 * packet.csrcCount();
        int dataLength = roundUpToWord((oneByte ? 1 : 2) + valueLength);
        int growth = 4 + dataLength;
        if (!makeRoom(buf, at, start + packet.length(), growth, keepWritable)) {
            return -1;
        }
        buf.setShort(at, oneByte ? RtpPacket.ONE_BYTE_EXTENSION_PROFILE : RtpPacket.TWO_BYTE_EXTENSION_PROFILE);
        buf.setShort(at + 2, dataLength / 4);
        buf.setZero(at + 4, dataLength);
        writeElementHeader(buf, at + 4, oneByte, id, valueLength);
        buf.setByte(start, buf.getByte(start) | 0x10);
        return packet.length() + growth;
    }

    /** The block's form carries the element: written after the last one, the data grown by whole words if needed. */
    private static int appendElement(RtpPacket packet, int id, int valueLength, int keepWritable) {
        ByteBuf buf = packet.buffer();
        boolean oneByte = packet.hasOneByteExtensions();
        int dataStart = packet.extensionValueOffset();
        int dataEnd = dataStart + packet.extensionValueLength();
        int elementStart = packet.extensionElementsEnd();
        int elementEnd = elementStart + (oneByte ? 1 : 2) + valueLength;
        int growth = elementEnd > dataEnd ? roundUpToWord(elementEnd - dataEnd) : 0;
        if (growth > 0 && !makeRoom(buf, dataEnd, packet.offset() + packet.length(), growth, keepWritable)) {
            return -1;
        }
        buf.setShort(dataStart - 2, (packet.extensionValueLength() + growth) / 4);
        // Whatever followed the last element (padding, or bytes after a one-byte id 15 that ends parsing) is cleared.
        buf.setZero(elementStart, dataEnd + growth - elementStart);
        writeElementHeader(buf, elementStart, oneByte, id, valueLength);
        return packet.length() + growth;
    }

    /** RFC 8285 §4.3: the one-byte elements again with two-byte headers, then the new element. */
    private int rewriteAsTwoByte(RtpPacket packet, int id, int valueLength, int keepWritable) {
        ByteBuf buf = packet.buffer();
        int written = 0;
        for (int i = 0; i < packet.extensionElementCount(); i++) {
            int elementId = packet.extensionElementId(i);
            int length = packet.extensionLength(elementId);
            if (written + 2 + length > scratch.length) {
                return -1;
            }
            scratch[written] = (byte) elementId;
            scratch[written + 1] = (byte) length;
            buf.getBytes(packet.extensionOffset(elementId), scratch, written + 2, length);
            written += 2 + length;
        }
        if (written + 2 + valueLength > scratch.length) {
            return -1;
        }
        scratch[written] = (byte) id;
        scratch[written + 1] = (byte) valueLength;
        Arrays.fill(scratch, written + 2, written + 2 + valueLength, (byte) 0);
        written += 2 + valueLength;
        int dataStart = packet.extensionValueOffset();
        int oldLength = packet.extensionValueLength();
        int growth = Math.max(0, roundUpToWord(written) - oldLength);
        if (growth > 0 && !makeRoom(buf, dataStart + oldLength, packet.offset() + packet.length(), growth, keepWritable)) {
            return -1;
        }
        buf.setShort(dataStart - 4, RtpPacket.TWO_BYTE_EXTENSION_PROFILE);
        buf.setShort(dataStart - 2, (oldLength + growth) / 4);
        buf.setBytes(dataStart, scratch, 0, written);
        buf.setZero(dataStart + written, oldLength + growth - written);
        return packet.length() + growth;
    }

    private static void writeElementHeader(ByteBuf buf, int at, boolean oneByte, int id, int valueLength) {
        if (oneByte) {
            buf.setByte(at, (id << 4) | (valueLength - 1));
        } else {
            buf.setByte(at, id);
            buf.setByte(at + 1, valueLength);
        }
    }

    /**
     * Moves the bytes from {@code at} to {@code end} (the buffer's writer index) {@code growth}
     * bytes on and advances the writer index; false, nothing moved, when fewer than
     * {@code growth + keepWritable} bytes are left in the buffer's capacity. Copies backwards, a
     * long at a time: the ranges overlap and the destination lies after the source.
     */
    private static boolean makeRoom(ByteBuf buf, int at, int end, int growth, int keepWritable) {
        if (buf.capacity() - end < growth + keepWritable) {
            return false;
        }
        int remaining = end - at;
        while (remaining >= Long.BYTES) {
            remaining -= Long.BYTES;
            buf.setLong(at + growth + remaining, buf.getLong(at + remaining));
        }
        while (remaining > 0) {
            remaining--;
            buf.setByte(at + growth + remaining, buf.getByte(at + remaining));
        }
        buf.writerIndex(end + growth);
        return true;
    }

    private static int roundUpToWord(int length) {
        return (length + 3) & ~3;
    }
}
