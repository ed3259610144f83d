package io.sluice.worker.rtp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A reusable, mutable view over one RTP packet in a {@link ByteBuf} (RFC 3550 §5.1). One instance
 * lives per loop or consumer and is re-pointed at each packet with {@link #wrap(ByteBuf)}; nothing
 * is allocated per packet. The view covers the buffer's readable bytes; getters and setters use
 * absolute indices and never move the buffer's indices. The view does not own the buffer: it
 * neither retains nor releases it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |           synchronization source (SSRC) identifier            |
 * |            contributing source (CSRC) identifiers             |
 * |      defined by profile       |           length              |  (if X)
 * |                        header extension                       |
 * |                        payload ... | padding | padding count  |  (if P)
 * </pre>
 */
public final class RtpPacket {

    /** RFC 3550 §5.1: the fixed header. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** RFC 8285 §4.2: the "defined by profile" value of the one-byte header form. */
    public static final int ONE_BYTE_EXTENSION_PROFILE = 0xBEDE;
    /** RFC 8285 §4.3: the two-byte form is 0x100 followed by 4 application bits. */
    public static final int TWO_BYTE_EXTENSION_PROFILE = 0x1000;
    /** No header extension in this packet. */
    public static final int NO_EXTENSION = -1;

    private static final int MAX_EXTENSION_ID = 255;

    private ByteBuf buf;
    private int offset;
    private int length;
    private int headerLength;
    private int payloadOffset;
    private int payloadLength;
    private int paddingLength;
    private int extensionProfile = NO_EXTENSION;
    private int extensionValueOffset;
    private int extensionValueLength;

    // Element lookup by id for the RFC 8285 forms: absolute index and length of each element's
    // value, -1 when absent. presentIds lists the ids set so that wrap() clears only those.
    private final int[] elementIndex = new int[MAX_EXTENSION_ID + 1];
    private final int[] elementLength = new int[MAX_EXTENSION_ID + 1];
    private final int[] presentIds = new int[MAX_EXTENSION_ID + 1];
    private int presentCount;
    private final int[] remapIndex = new int[MAX_EXTENSION_ID + 1];
    private final int[] remapLength = new int[MAX_EXTENSION_ID + 1];

    public RtpPacket() {
        Arrays.fill(elementIndex, -1);
    }

    /**
     * Points this view at the readable bytes of {@code buf}. Returns false, and leaves the view
     * unusable, when they are not a well-formed RTP packet.
     */
    public boolean wrap(ByteBuf buf) {
        return wrap(buf, buf.readerIndex(), buf.readableBytes());
    }

    /** Points this view at {@code length} bytes of {@code buf} from absolute {@code index}. */
    public boolean wrap(ByteBuf buf, int index, int length) {
        clearElements();
        this.buf = null;
        extensionProfile = NO_EXTENSION;
        if (!parse(buf, index, length)) {
            clearElements();
            extensionProfile = NO_EXTENSION;
            return false;
        }
        return true;
    }

    private boolean parse(ByteBuf buf, int index, int length) {
        if (length < FIXED_HEADER_LENGTH) {
            return false;
        }
        int first = buf.getUnsignedByte(index);
        if ((first >>> 6) != 2) {
            return false;
        }
        int end = index + length;
        int cursor = index + FIXED_HEADER_LENGTH + 4 * (first & 0x0f);
        if (cursor > end) {
            return false;
        }
        if ((first & 0x10) != 0) {
            // RFC 3550 §5.3.1: 16-bit profile value, 16-bit length in 32-bit words, then data.
            if (cursor + 4 > end) {
                return false;
            }
            int profile = buf.getUnsignedShort(cursor);
            int valueLength = 4 * buf.getUnsignedShort(cursor + 2);
            int valueOffset = cursor + 4;
            if (valueOffset + valueLength > end) {
                return false;
            }
            if (profile == ONE_BYTE_EXTENSION_PROFILE) {
                if (!parseOneByteElements(buf, valueOffset, valueOffset + valueLength)) {
                    return false;
                }
            } else if ((profile & 0xfff0) == TWO_BYTE_EXTENSION_PROFILE) {
                if (!parseTwoByteElements(buf, valueOffset, valueOffset + valueLength)) {
                    return false;
                }
            }
            extensionProfile = profile;
            extensionValueOffset = valueOffset;
            extensionValueLength = valueLength;
            cursor = valueOffset + valueLength;
        }
        int padding = 0;
        if ((first & 0x20) != 0) {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            padding = buf.getUnsignedByte(end - 1);
            if (padding == 0 || cursor + padding > end) {
                return false;
            }
        }
        this.buf = buf;
        this.offset = index;
        this.length = length;
        this.headerLength = cursor - index;
        this.payloadOffset = cursor;
        this.paddingLength = padding;
        this.payloadLength = end - cursor - padding;
        return true;
    }

    // RFC 8285 §4.2: ID (4 bits) and L (4 bits, length - 1); ID 0 is reserved for padding
    // bytes (a byte with ID 0 is skipped alone, whatever its L, as libwebrtc does); ID 15 stops
    // the parsing of the whole block.
    private boolean parseOneByteElements(ByteBuf buf, int from, int to) {
        int cursor = from;
        while (cursor < to) {
            int header = buf.getUnsignedByte(cursor);
            int id = header >>> 4;
            if (id == 0) {
                cursor++;
                continue;
            }
            if (id == 15) {
                return true;
            }
            int valueLength = (header & 0x0f) + 1;
            if (cursor + 1 + valueLength > to) {
                return false;
            }
            recordElement(id, cursor + 1, valueLength);
            cursor += 1 + valueLength;
        }
        return true;
    }

    // RFC 8285 §4.3: ID (8 bits) and length (8 bits, may be 0); 0 bytes are padding.
    private boolean parseTwoByteElements(ByteBuf buf, int from, int to) {
        int cursor = from;
        while (cursor < to) {
            int id = buf.getUnsignedByte(cursor);
            if (id == 0) {
                cursor++;
                continue;
            }
            if (cursor + 2 > to) {
                return false;
            }
            int valueLength = buf.getUnsignedByte(cursor + 1);
            if (cursor + 2 + valueLength > to) {
                return false;
            }
            recordElement(id, cursor + 2, valueLength);
            cursor += 2 + valueLength;
        }
        return true;
    }

    private void recordElement(int id, int valueIndex, int valueLength) {
        // A repeated ID keeps its first element, the one a receiver acts on.
        if (elementIndex[id] >= 0) {
            return;
        }
        elementIndex[id] = valueIndex;
        elementLength[id] = valueLength;
        presentIds[presentCount++] = id;
    }

    private void clearElements() {
        for (int i = 0; i < presentCount; i++) {
            elementIndex[presentIds[i]] = -1;
        }
        presentCount = 0;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first byte of the packet in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int version() {
        return buf.getUnsignedByte(offset) >>> 6;
    }

    public boolean hasPadding() {
        return (buf.getByte(offset) & 0x20) != 0;
    }

    public boolean hasHeaderExtension() {
        return (buf.getByte(offset) & 0x10) != 0;
    }

    public int csrcCount() {
        return buf.getByte(offset) & 0x0f;
    }

    public boolean marker() {
        return (buf.getByte(offset + 1) & 0x80) != 0;
    }

    public int payloadType() {
        return buf.getByte(offset + 1) & 0x7f;
    }

    public int sequenceNumber() {
        return buf.getUnsignedShort(offset + 2);
    }

    public long timestamp() {
        return buf.getUnsignedInt(offset + 4);
    }

    public long ssrc() {
        return buf.getUnsignedInt(offset + 8);
    }

    /** The CSRC at position {@code i}, 0 &lt;= i &lt; {@link #csrcCount()}. */
    public long csrc(int i) {
        return buf.getUnsignedInt(offset + FIXED_HEADER_LENGTH + 4 * i);
    }

    public void setMarker(boolean marker) {
        int second = buf.getByte(offset + 1) & 0x7f;
        buf.setByte(offset + 1, marker ? second | 0x80 : second);
    }

    public void setPayloadType(int payloadType) {
        buf.setByte(offset + 1, (buf.getByte(offset + 1) & 0x80) | (payloadType & 0x7f));
    }

    public void setSequenceNumber(int sequenceNumber) {
        buf.setShort(offset + 2, sequenceNumber);
    }

    public void setTimestamp(long timestamp) {
        buf.setInt(offset + 4, (int) timestamp);
    }

    public void setSsrc(long ssrc) {
        buf.setInt(offset + 8, (int) ssrc);
    }

    /** Fixed header, CSRCs and header extension: everything before the payload. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute index of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Padding octets at the end, the count octet included; 0 without the P bit. */
    public int paddingLength() {
        return paddingLength;
    }

    /**
     * The 16-bit "defined by profile" value of the header extension (0xBEDE for RFC 8285's
     * one-byte form, 0x100X for the two-byte form), or {@link #NO_EXTENSION}.
     */
    public int extensionProfile() {
        return extensionProfile;
    }

    public boolean hasOneByteExtensions() {
        return extensionProfile == ONE_BYTE_EXTENSION_PROFILE;
    }

    public boolean hasTwoByteExtensions() {
        return extensionProfile != NO_EXTENSION && (extensionProfile & 0xfff0) == TWO_BYTE_EXTENSION_PROFILE;
    }

    /** Absolute index of the header extension's data, after its 4-byte header (RFC 3550 §5.3.1). */
    public int extensionValueOffset() {
        return extensionValueOffset;
    }

    /** Length of the header extension's data in bytes, 0 without an extension. */
    public int extensionValueLength() {
        return extensionProfile == NO_EXTENSION ? 0 : extensionValueLength;
    }

    /** Absolute index of the value of RFC 8285 element {@code id}, or -1 when absent. */
    public int extensionOffset(int id) {
        return id > 0 && id <= MAX_EXTENSION_ID ? elementIndex[id] : -1;
    }

    /** Length of the value of RFC 8285 element {@code id}, or -1 when absent. */
    public int extensionLength(int id) {
        int index = extensionOffset(id);
        return index < 0 ? -1 : elementLength[id];
    }

    public boolean hasExtension(int id) {
        return extensionOffset(id) >= 0;
    }

    /** RFC 8285 elements present, in the order they appear. */
    public int extensionElementCount() {
        return presentCount;
    }

    /** The id of the {@code i}-th element present, 0 &lt;= i &lt; {@link #extensionElementCount()}. */
    public int extensionElementId(int i) {
        return presentIds[i];
    }

    /**
     * Absolute index just past the last RFC 8285 element (what follows up to the end of the
     * extension data is padding), the start of the data when there is none.
     */
    public int extensionElementsEnd() {
        int end = extensionValueOffset;
        for (int i = 0; i < presentCount; i++) {
            end = Math.max(end, elementIndex[presentIds[i]] + elementLength[presentIds[i]]);
        }
        return end;
    }

    /**
     * Rewrites element {@code id} to carry {@code newId} in place. False when the element is
     * absent, when {@code newId} is already used, or when the form cannot carry it (one-byte
     * form: 1 to 14, RFC 8285 §4.2; two-byte form: 1 to 255, §4.3).
     */
    public boolean setExtensionId(int id, int newId) {
        int index = extensionOffset(id);
        if (index < 0 || !isValidIdForForm(newId)) {
            return false;
        }
        if (newId == id) {
            return true;
        }
        if (elementIndex[newId] >= 0) {
            return false;
        }
        writeElementId(index, newId, elementLength[id]);
        elementIndex[newId] = index;
        elementLength[newId] = elementLength[id];
        elementIndex[id] = -1;
        for (int i = 0; i < presentCount; i++) {
            if (presentIds[i] == id) {
                presentIds[i] = newId;
            }
        }
        return true;
    }

    /**
     * Rewrites every element's id through {@code idMap} (indexed by the current id, 256 entries):
     * a non-zero entry is the new id; 0 removes the element by overwriting it with padding bytes
     * (RFC 8285 §4.2 and §4.3 allow 0-valued padding between elements). Nothing is written and
     * false is returned when a new id is out of range for the form or two elements would end with
     * the same id.
     */
    public boolean remapExtensionIds(byte[] idMap) {
        for (int i = 0; i < presentCount; i++) {
            int newId = idMap[presentIds[i]] & 0xff;
            if (newId != 0 && !isValidIdForForm(newId)) {
                return false;
            }
            for (int j = 0; j < i; j++) {
                if (newId != 0 && (idMap[presentIds[j]] & 0xff) == newId) {
                    return false;
                }
            }
        }
        // Two passes so that swapping two ids does not overwrite an entry still to be read.
        int kept = 0;
        for (int i = 0; i < presentCount; i++) {
            int id = presentIds[i];
            int index = elementIndex[id];
            int valueLength = elementLength[id];
            elementIndex[id] = -1;
            int newId = idMap[id] & 0xff;
            if (newId == 0) {
                int headerSize = hasOneByteExtensions() ? 1 : 2;
                buf.setZero(index - headerSize, headerSize + valueLength);
                continue;
            }
            writeElementId(index, newId, valueLength);
            presentIds[kept] = newId;
            remapIndex[kept] = index;
            remapLength[kept] = valueLength;
            kept++;
        }
        for (int i = 0; i < kept; i++) {
            elementIndex[presentIds[i]] = remapIndex[i];
            elementLength[presentIds[i]] = remapLength[i];
        }
        presentCount = kept;
        return true;
    }

    private boolean isValidIdForForm(int id) {
        if (hasOneByteExtensions()) {
            return id >= 1 && id <= 14;
        }
        return hasTwoByteExtensions() && id >= 1 && id <= MAX_EXTENSION_ID;
    }

    private void writeElementId(int valueIndex, int newId, int valueLength) {
        if (hasOneByteExtensions()) {
            buf.setByte(valueIndex - 1, (newId << 4) | (valueLength - 1));
        } else {
            buf.setByte(valueIndex - 2, newId);
        }
    }

    /** Whether element {@code id} holds exactly the ASCII characters of {@code value} (mid, rid). */
    public boolean extensionEquals(int id, CharSequence value) {
        int index = extensionOffset(id);
        if (index < 0 || elementLength[id] != value.length()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (buf.getByte(index + i) != (byte) value.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Copies element {@code id}'s value into {@code dst} from {@code dstOffset} (mid, rid) and
     * returns its length, or -1 when absent or when {@code dst} is too short.
     */
    public int copyExtension(int id, byte[] dst, int dstOffset) {
        int index = extensionOffset(id);
        if (index < 0 || dst.length - dstOffset < elementLength[id]) {
            return -1;
        }
        buf.getBytes(index, dst, dstOffset, elementLength[id]);
        return elementLength[id];
    }

    /** abs-send-time: 6.18 fixed-point seconds, 24 bits, or -1 when absent or not 3 bytes. */
    public int absSendTime(int id) {
        int index = extensionOffset(id);
        return index < 0 || elementLength[id] != 3 ? -1 : buf.getUnsignedMedium(index);
    }

    /**
     * Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2), or
     * -1 when absent or not 2 bytes.
     */
    public int transportWideSequenceNumber(int id) {
        int index = extensionOffset(id);
        return index < 0 || elementLength[id] != 2 ? -1 : buf.getUnsignedShort(index);
    }

    /** Writes the transport-wide sequence number in place; false when the element is absent. */
    public boolean setTransportWideSequenceNumber(int id, int sequenceNumber) {
        int index = extensionOffset(id);
        if (index < 0 || elementLength[id] != 2) {
            return false;
        }
        buf.setShort(index, sequenceNumber);
        return true;
    }

    /** RFC 6464 §3: audio level in -dBov, 0 to 127, or -1 when absent. */
    public int audioLevel(int id) {
        int index = extensionOffset(id);
        return index < 0 || elementLength[id] < 1 ? -1 : buf.getByte(index) & 0x7f;
    }

    /** RFC 6464 §3: the V bit, set when the packet holds voice; false when absent. */
    public boolean voiceActivity(int id) {
        int index = extensionOffset(id);
        return index >= 0 && elementLength[id] >= 1 && (buf.getByte(index) & 0x80) != 0;
    }

    /**
     * Video orientation (3GPP TS 26.114 §7.4.5, urn:3gpp:video-orientation): the low 4 bits
     * C F R1 R0, or -1 when absent. See {@link VideoOrientation} to decode them.
     */
    public int videoOrientation(int id) {
        int index = extensionOffset(id);
        return index < 0 || elementLength[id] < 1 ? -1 : buf.getByte(index) & 0x0f;
    }
}
