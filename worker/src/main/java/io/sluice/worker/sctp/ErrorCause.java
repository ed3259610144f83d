package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An error cause (RFC 9260 §3.3.10) as ABORT and ERROR carry them: a code and its information,
 * kept as bytes since only a few codes are acted upon.
 *
 * <pre>
 *  |           Cause Code          |       Cause Length            |
 *  |                    Cause-Specific Information                 |
 * </pre>
 */
public record ErrorCause(int code, byte[] information) {

    public static final int INVALID_STREAM_IDENTIFIER = 1;
    public static final int STALE_COOKIE = 3;
    public static final int UNRECOGNIZED_CHUNK_TYPE = 6;
    public static final int NO_USER_DATA = 9;
    public static final int USER_INITIATED_ABORT = 12;
    public static final int PROTOCOL_VIOLATION = 13;

    /** The causes of the ABORT or ERROR at {@code chunk}; parsing stops at the first that does not fit. */
    public static List<ErrorCause> parseAll(ByteBuf buf, int chunk) {
        List<ErrorCause> causes = new ArrayList<>(1);
        int end = chunk + SctpPacket.chunkLength(buf, chunk);
        int at = chunk + SctpPacket.CHUNK_HEADER_LENGTH;
        while (at + 4 <= end) {
            int length = buf.getUnsignedShort(at + 2);
            if (length < 4 || at + length > end) {
                break;
            }
            byte[] information = new byte[length - 4];
            buf.getBytes(at + 4, information);
            causes.add(new ErrorCause(buf.getUnsignedShort(at), information));
            at += SctpPacket.paddedLength(length);
        }
        return causes;
    }

    public int serializedLength() {
        return 4 + information.length;
    }

    /** Writes an ABORT or ERROR chunk (§3.3.7, §3.3.10) holding these causes. */
    public static void writeChunk(ByteBuf dst, int type, int flags, List<ErrorCause> causes) {
        int start = dst.writerIndex();
        int length = SctpPacket.CHUNK_HEADER_LENGTH;
        for (int i = 0; i < causes.size(); i++) {
            int causeLength = causes.get(i).serializedLength();
            length += i < causes.size() - 1 ? SctpPacket.paddedLength(causeLength) : causeLength;
        }
        SctpPacket.writeChunkHeader(dst, type, flags, length);
        for (ErrorCause cause : causes) {
            int causeStart = dst.writerIndex();
            dst.writeShort(cause.code);
            dst.writeShort(cause.serializedLength());
            dst.writeBytes(cause.information);
            SctpPacket.pad(dst, causeStart);
        }
        SctpPacket.pad(dst, start);
    }

    @Override
    public String toString() {
        return "cause " + code + " (" + information.length + " bytes)";
    }
}
