package io.sluice.worker.rtcp;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): transport layer feedback, FMT 15.
 *
 * <pre>
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |
 * |          packet chunk         |         packet chunk          |
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |
 * .                                                               .
 * |           recv delta          |  recv delta   | zero padding  |
 * </pre>
 *
 * Packet chunks give a status to each of the {@code packet status count} sequence numbers from
 * the base (§3.1.1): a run length chunk (T=0, 2-bit symbol, 13-bit run, §3.1.3) or a status
 * vector chunk (T=1, then S=0 for 14 one-bit symbols or S=1 for 7 two-bit symbols, §3.1.4).
 * Each received packet then has a receive delta in 250 µs ticks (§3.1.5): one unsigned byte for
 * a small delta, two signed bytes for a large or negative one. The reference time is a signed
 * 24-bit count of 64 ms; the first delta is relative to it, each next one to the previous
 * received packet.
 */
public final class FeedbackRtpTransport implements FeedbackPacket {

    public static final int FMT = 15;
    /** §3.1.1 symbols. */
    public static final int NOT_RECEIVED = 0;
    public static final int RECEIVED_SMALL_DELTA = 1;
    public static final int RECEIVED_LARGE_DELTA = 2;

    /** One receive delta tick (§3.1.5). */
    public static final int DELTA_TICK_MICROS = 250;
    /** One reference time unit (§3.1). */
    public static final int REFERENCE_TIME_UNIT_MICROS = 64_000;

    /** Common part, base sequence number, status count, reference time and fb pkt. count. */
    static final int FIXED_LENGTH = COMMON_LENGTH + 8;
    static final int MAX_RUN_LENGTH = (1 << 13) - 1;

    private final long senderSsrc;
    private final long mediaSsrc;
    private final int baseSequenceNumber;
    private final int referenceTime;
    private final int feedbackPacketCount;
    private final byte[] statuses;
    private final int[] deltas;

    /**
     * @param referenceTime signed, in 64 ms units (only the low 24 bits are sent)
     * @param statuses one symbol per sequence number from the base
     * @param deltas the receive delta in 250 µs ticks of each received packet, indexed like
     *        {@code statuses} (ignored where not received)
     */
    public FeedbackRtpTransport(long senderSsrc, long mediaSsrc, int baseSequenceNumber, int referenceTime,
                                int feedbackPacketCount, byte[] statuses, int[] deltas) {
        if (statuses.length != deltas.length || statuses.length > 0xffff) {
            throw new IllegalArgumentException("statuses and deltas differ in length or exceed 65535");
        }
        for (int i = 0; i < statuses.length; i++) {
            boolean fits = switch (statuses[i]) {
                case NOT_RECEIVED -> true;
                case RECEIVED_SMALL_DELTA -> deltas[i] >= 0 && deltas[i] <= 0xff;
                case RECEIVED_LARGE_DELTA -> deltas[i] >= Short.MIN_VALUE && deltas[i] <= Short.MAX_VALUE;
                default -> false;
            };
            if (!fits) {
                throw new IllegalArgumentException("status " + statuses[i] + " cannot carry delta " + deltas[i]);
            }
        }
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.baseSequenceNumber = baseSequenceNumber & 0xffff;
        this.referenceTime = referenceTime;
        this.feedbackPacketCount = feedbackPacketCount & 0xff;
        this.statuses = statuses.clone();
        this.deltas = deltas.clone();
    }

    public static FeedbackRtpTransport parse(ByteBuf buf, int index, int length) {
        int content = FeedbackPacket.contentLength(buf, index, length, RtcpHeader.TYPE_RTPFB, FMT);
        if (content < FIXED_LENGTH) {
            return null;
        }
        int end = index + content;
        int statusCount = buf.getUnsignedShort(index + 14);
        // Each 2-byte chunk covers at most 8191 statuses: refuse before allocating for a count
        // the packet cannot hold.
        if (statusCount > (long) (content - FIXED_LENGTH) / 2 * MAX_RUN_LENGTH) {
            return null;
        }
        byte[] statuses = new byte[statusCount];
        int cursor = index + FIXED_LENGTH;
        int filled = 0;
        while (filled < statusCount) {
            if (cursor + 2 > end) {
                return null;
            }
            int chunk = buf.getUnsignedShort(cursor);
            cursor += 2;
            filled = readChunk(chunk, statuses, filled);
            if (filled < 0) {
                return null;
            }
        }
        int[] deltas = new int[statusCount];
        for (int i = 0; i < statusCount; i++) {
            if (statuses[i] == RECEIVED_SMALL_DELTA) {
                if (cursor + 1 > end) {
                    return null;
                }
                deltas[i] = buf.getUnsignedByte(cursor);
                cursor += 1;
            } else if (statuses[i] == RECEIVED_LARGE_DELTA) {
                if (cursor + 2 > end) {
                    return null;
                }
                deltas[i] = buf.getShort(cursor);
                cursor += 2;
            }
        }
        int referenceTime = (buf.getMedium(index + 16) << 8) >> 8;
        return new FeedbackRtpTransport(buf.getUnsignedInt(index + 4), buf.getUnsignedInt(index + 8),
                buf.getUnsignedShort(index + 12), referenceTime, buf.getUnsignedByte(index + 19), statuses, deltas);
    }

    // Fills statuses from position filled with one chunk's symbols; returns the new position, or
    // -1 on the reserved symbol 3.
    private static int readChunk(int chunk, byte[] statuses, int filled) {
        int remaining = statuses.length - filled;
        if ((chunk & 0x8000) == 0) {
            int symbol = (chunk >>> 13) & 0x03;
            int run = Math.min(chunk & MAX_RUN_LENGTH, remaining);
            if (symbol == 3 && run > 0) {
                return -1;
            }
            Arrays.fill(statuses, filled, filled + run, (byte) symbol);
            return filled + run;
        }
        boolean twoBit = (chunk & 0x4000) != 0;
        int symbols = Math.min(twoBit ? 7 : 14, remaining);
        for (int i = 0; i < symbols; i++) {
            int symbol = twoBit ? (chunk >>> (12 - 2 * i)) & 0x03 : (chunk >>> (13 - i)) & 0x01;
            if (symbol == 3) {
                return -1;
            }
            statuses[filled + i] = (byte) symbol;
        }
        return filled + symbols;
    }

    /**
     * The chunks encoding {@code statuses[0..count)}: a run length chunk wherever a run covers at
     * least as many symbols as a vector chunk would, else a one-bit vector when the next 14
     * symbols need no large delta, else a two-bit vector. Returns the number of chunks written
     * to {@code chunks} (or only counted when it is null).
     */
    static int encodeChunks(byte[] statuses, int count, short[] chunks) {
        int written = 0;
        int position = 0;
        while (position < count) {
            int remaining = count - position;
            int run = 1;
            while (run < remaining && run < MAX_RUN_LENGTH && statuses[position + run] == statuses[position]) {
                run++;
            }
            boolean oneBitFits = true;
            for (int i = 0; i < Math.min(14, remaining); i++) {
                oneBitFits &= statuses[position + i] != RECEIVED_LARGE_DELTA;
            }
            int vectorCapacity = Math.min(oneBitFits ? 14 : 7, remaining);
            int chunk;
            int covered;
            if (run >= vectorCapacity) {
                chunk = (statuses[position] << 13) | run;
                covered = run;
            } else if (oneBitFits) {
                chunk = 0x8000;
                for (int i = 0; i < vectorCapacity; i++) {
                    chunk |= statuses[position + i] << (13 - i);
                }
                covered = vectorCapacity;
            } else {
                chunk = 0xc000;
                for (int i = 0; i < vectorCapacity; i++) {
                    chunk |= statuses[position + i] << (12 - 2 * i);
                }
                covered = vectorCapacity;
            }
            if (chunks != null) {
                chunks[written] = (short) chunk;
            }
            written++;
            position += covered;
        }
        return written;
    }

    /** Bytes of the packet before padding to a word. */
    static int unpaddedLength(byte[] statuses, int count) {
        int length = FIXED_LENGTH + 2 * encodeChunks(statuses, count, null);
        for (int i = 0; i < count; i++) {
            length += statuses[i];
        }
        return length;
    }

    @Override
    public long senderSsrc() {
        return senderSsrc;
    }

    @Override
    public long mediaSsrc() {
        return mediaSsrc;
    }

    public int baseSequenceNumber() {
        return baseSequenceNumber;
    }

    public int packetStatusCount() {
        return statuses.length;
    }

    /** Signed, in 64 ms units. */
    public int referenceTime() {
        return referenceTime;
    }

    public long referenceTimeMicros() {
        return (long) referenceTime * REFERENCE_TIME_UNIT_MICROS;
    }

    public int feedbackPacketCount() {
        return feedbackPacketCount;
    }

    /** The symbol of sequence number base + i. */
    public int status(int i) {
        return statuses[i];
    }

    public boolean isReceived(int i) {
        return statuses[i] != NOT_RECEIVED;
    }

    public int sequenceNumber(int i) {
        return (baseSequenceNumber + i) & 0xffff;
    }

    /** Receive delta of base + i in 250 µs ticks; 0 when not received. */
    public int receiveDeltaTicks(int i) {
        return statuses[i] == NOT_RECEIVED ? 0 : deltas[i];
    }

    public int receivedCount() {
        int received = 0;
        for (byte status : statuses) {
            received += status == NOT_RECEIVED ? 0 : 1;
        }
        return received;
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
        return RtcpHeader.padToWords(unpaddedLength(statuses, statuses.length));
    }

    /**
     * Writes the packet; when its length is not a whole number of words it is padded with the P
     * bit set and the padding count in the last byte (RFC 3550 §6.4.1), as libwebrtc does.
     */
    @Override
    public void writeTo(ByteBuf dst) {
        int unpadded = unpaddedLength(statuses, statuses.length);
        int length = RtcpHeader.padToWords(unpadded);
        int padding = length - unpadded;
        FeedbackPacket.writeCommon(dst, FMT, RtcpHeader.TYPE_RTPFB, length, senderSsrc, mediaSsrc);
        if (padding > 0) {
            int start = dst.writerIndex() - COMMON_LENGTH;
            dst.setByte(start, dst.getByte(start) | 0x20);
        }
        dst.writeShort(baseSequenceNumber);
        dst.writeShort(statuses.length);
        dst.writeMedium(referenceTime);
        dst.writeByte(feedbackPacketCount);
        short[] chunks = new short[encodeChunks(statuses, statuses.length, null)];
        encodeChunks(statuses, statuses.length, chunks);
        for (short chunk : chunks) {
            dst.writeShort(chunk);
        }
        for (int i = 0; i < statuses.length; i++) {
            if (statuses[i] == RECEIVED_SMALL_DELTA) {
                dst.writeByte(deltas[i]);
            } else if (statuses[i] == RECEIVED_LARGE_DELTA) {
                dst.writeShort(deltas[i]);
            }
        }
        if (padding > 0) {
            dst.writeZero(padding - 1);
            dst.writeByte(padding);
        }
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof FeedbackRtpTransport that)) {
            return false;
        }
        if (senderSsrc != that.senderSsrc || mediaSsrc != that.mediaSsrc
                || baseSequenceNumber != that.baseSequenceNumber || referenceTime != that.referenceTime
                || feedbackPacketCount != that.feedbackPacketCount || !Arrays.equals(statuses, that.statuses)) {
            return false;
        }
        for (int i = 0; i < statuses.length; i++) {
            if (receiveDeltaTicks(i) != that.receiveDeltaTicks(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(statuses) * 31 + baseSequenceNumber;
    }

    @Override
    public String toString() {
        return "FeedbackRtpTransport[base=" + baseSequenceNumber + ", count=" + statuses.length
                + ", referenceTime=" + referenceTime + ", fbPktCount=" + feedbackPacketCount
                + ", received=" + receivedCount() + "]";
    }
}
