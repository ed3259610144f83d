package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * RE-CONFIG (RFC 6525 §3.1) with the stream reset parameters WebRTC uses to close a data channel
 * (RFC 8831 §6.7): Outgoing SSN Reset Request (§4.1), Incoming SSN Reset Request (§4.2) and
 * Re-configuration Response (§4.4). A chunk carries one or two parameters; others are refused as
 * malformed, since neither side of a WebRTC association asks for them.
 */
public record ReConfigChunk(List<Parameter> parameters) {

    public static final int PARAMETER_OUTGOING_RESET = 13;
    public static final int PARAMETER_INCOMING_RESET = 14;
    public static final int PARAMETER_RESPONSE = 16;

    /** §4.4 result codes. */
    public static final long RESULT_SUCCESS_NOTHING_TO_DO = 0;
    public static final long RESULT_SUCCESS_PERFORMED = 1;
    public static final long RESULT_DENIED = 2;
    public static final long RESULT_ERROR_BAD_SEQUENCE_NUMBER = 5;
    public static final long RESULT_IN_PROGRESS = 6;

    public ReConfigChunk {
        parameters = List.copyOf(parameters);
    }

    public sealed interface Parameter {
        int serializedLength();

        void writeTo(ByteBuf dst);
    }

    /**
     * §4.1: the sender will start the listed streams' (all, when empty) outgoing sequence numbers
     * at 0 once the receiver has every TSN up to {@code senderLastAssignedTsn}.
     */
    public record OutgoingResetRequest(long requestSequenceNumber, long responseSequenceNumber,
            long senderLastAssignedTsn, int[] streams) implements Parameter {
        @Override
        public int serializedLength() {
            return 16 + 2 * streams.length;
        }

        @Override
        public void writeTo(ByteBuf dst) {
            int start = dst.writerIndex();
            dst.writeShort(PARAMETER_OUTGOING_RESET);
            dst.writeShort(serializedLength());
            dst.writeInt((int) requestSequenceNumber);
            dst.writeInt((int) responseSequenceNumber);
            dst.writeInt((int) senderLastAssignedTsn);
            for (int stream : streams) {
                dst.writeShort(stream);
            }
            SctpPacket.pad(dst, start);
        }
    }

    /** §4.2: the sender asks the receiver to reset its outgoing streams listed. */
    public record IncomingResetRequest(long requestSequenceNumber, int[] streams) implements Parameter {
        @Override
        public int serializedLength() {
            return 8 + 2 * streams.length;
        }

        @Override
        public void writeTo(ByteBuf dst) {
            int start = dst.writerIndex();
            dst.writeShort(PARAMETER_INCOMING_RESET);
            dst.writeShort(serializedLength());
            dst.writeInt((int) requestSequenceNumber);
            for (int stream : streams) {
                dst.writeShort(stream);
            }
            SctpPacket.pad(dst, start);
        }
    }

    /** §4.4, without the optional TSN fields (which only SSN/TSN resets carry). */
    public record Response(long responseSequenceNumber, long result) implements Parameter {
        @Override
        public int serializedLength() {
            return 12;
        }

        @Override
        public void writeTo(ByteBuf dst) {
            dst.writeShort(PARAMETER_RESPONSE);
            dst.writeShort(12);
            dst.writeInt((int) responseSequenceNumber);
            dst.writeInt((int) result);
        }
    }

    /** The RE-CONFIG at {@code chunk}, or null when it holds no parameter, or one malformed or not of the three. */
    public static ReConfigChunk parse(ByteBuf buf, int chunk) {
        int length = SctpPacket.chunkLength(buf, chunk);
        if (SctpPacket.chunkType(buf, chunk) != ChunkType.RE_CONFIG || length < 8) {
            return null;
        }
        List<Parameter> parameters = new ArrayList<>(2);
        int end = chunk + length;
        int at = chunk + SctpPacket.CHUNK_HEADER_LENGTH;
        while (at + 4 <= end) {
            int type = buf.getUnsignedShort(at);
            int parameterLength = buf.getUnsignedShort(at + 2);
            if (parameterLength < 4 || at + parameterLength > end) {
                return null;
            }
            Parameter parameter = switch (type) {
                case PARAMETER_OUTGOING_RESET -> parameterLength < 16 || parameterLength % 2 != 0 ? null
                        : new OutgoingResetRequest(buf.getUnsignedInt(at + 4), buf.getUnsignedInt(at + 8),
                                buf.getUnsignedInt(at + 12), streams(buf, at + 16, parameterLength - 16));
                case PARAMETER_INCOMING_RESET -> parameterLength < 8 || parameterLength % 2 != 0 ? null
                        : new IncomingResetRequest(buf.getUnsignedInt(at + 4),
                                streams(buf, at + 8, parameterLength - 8));
                case PARAMETER_RESPONSE -> parameterLength < 12 ? null
                        : new Response(buf.getUnsignedInt(at + 4), buf.getUnsignedInt(at + 8));
                default -> null;
            };
            if (parameter == null) {
                return null;
            }
            parameters.add(parameter);
            at += SctpPacket.paddedLength(parameterLength);
        }
        return parameters.isEmpty() ? null : new ReConfigChunk(parameters);
    }

    private static int[] streams(ByteBuf buf, int at, int bytes) {
        int[] streams = new int[bytes / 2];
        for (int i = 0; i < streams.length; i++) {
            streams[i] = buf.getUnsignedShort(at + 2 * i);
        }
        return streams;
    }

    public int serializedLength() {
        int length = SctpPacket.CHUNK_HEADER_LENGTH;
        for (int i = 0; i < parameters.size(); i++) {
            int parameterLength = parameters.get(i).serializedLength();
            length += i < parameters.size() - 1 ? SctpPacket.paddedLength(parameterLength) : parameterLength;
        }
        return length;
    }

    public void writeTo(ByteBuf dst) {
        int start = dst.writerIndex();
        SctpPacket.writeChunkHeader(dst, ChunkType.RE_CONFIG, 0, serializedLength());
        for (Parameter parameter : parameters) {
            parameter.writeTo(dst);
        }
        SctpPacket.pad(dst, start);
    }
}
