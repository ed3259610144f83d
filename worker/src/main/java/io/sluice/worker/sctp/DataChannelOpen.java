package io.sluice.worker.sctp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * DATA_CHANNEL_OPEN (RFC 8832 §5.1): what the opener of a channel announces on its stream.
 *
 * <pre>
 *  |  Message Type |  Channel Type |            Priority           |
 *  |                    Reliability Parameter                      |
 *  |         Label Length          |       Protocol Length         |
 *  |                             Label                             |
 *  |                            Protocol                           |
 * </pre>
 *
 * The channel type's high bit says unordered; its low bits say reliable (0x00), limited
 * retransmissions (0x01) or limited lifetime (0x02), the reliability parameter giving the limit.
 */
public record DataChannelOpen(boolean ordered, Reliability reliability, int priority, String label, String protocol) {

    public static final int MESSAGE_TYPE_OPEN = 0x03;
    /** DATA_CHANNEL_ACK (RFC 8832 §5.2): this one byte. */
    public static final int MESSAGE_TYPE_ACK = 0x02;
    public static final int FIXED_LENGTH = 12;

    private static final int UNORDERED = 0x80;
    private static final int PARTIAL_RELIABLE_REXMIT = 0x01;
    private static final int PARTIAL_RELIABLE_TIMED = 0x02;

    /** The OPEN in the {@code length} bytes at {@code index}, or null when malformed or of an unknown channel type. */
    public static DataChannelOpen parse(ByteBuf buf, int index, int length) {
        if (length < FIXED_LENGTH || buf.getUnsignedByte(index) != MESSAGE_TYPE_OPEN) {
            return null;
        }
        int channelType = buf.getUnsignedByte(index + 1);
        int labelLength = buf.getUnsignedShort(index + 8);
        int protocolLength = buf.getUnsignedShort(index + 10);
        if (FIXED_LENGTH + labelLength + protocolLength > length) {
            return null;
        }
        long parameter = buf.getUnsignedInt(index + 4);
        Reliability reliability = switch (channelType & ~UNORDERED) {
            case 0 -> Reliability.RELIABLE;
            case PARTIAL_RELIABLE_REXMIT -> Reliability.maxRetransmits((int) Math.min(parameter, Integer.MAX_VALUE));
            case PARTIAL_RELIABLE_TIMED -> Reliability.maxPacketLifeTime(parameter);
            default -> null;
        };
        if (reliability == null) {
            return null;
        }
        String label = buf.toString(index + FIXED_LENGTH, labelLength, StandardCharsets.UTF_8);
        String protocol = buf.toString(index + FIXED_LENGTH + labelLength, protocolLength, StandardCharsets.UTF_8);
        return new DataChannelOpen((channelType & UNORDERED) == 0, reliability, buf.getUnsignedShort(index + 2), label,
                protocol);
    }

    public void writeTo(ByteBuf dst) {
        byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
        byte[] protocolBytes = protocol.getBytes(StandardCharsets.UTF_8);
        int channelType = ordered ? 0 : UNORDERED;
        long parameter = 0;
        if (reliability.maxRetransmits() >= 0) {
            channelType |= PARTIAL_RELIABLE_REXMIT;
            parameter = reliability.maxRetransmits();
        } else if (reliability.maxPacketLifeTimeMillis() >= 0) {
            channelType |= PARTIAL_RELIABLE_TIMED;
            parameter = reliability.maxPacketLifeTimeMillis();
        }
        dst.writeByte(MESSAGE_TYPE_OPEN);
        dst.writeByte(channelType);
        dst.writeShort(priority);
        dst.writeInt((int) parameter);
        dst.writeShort(labelBytes.length);
        dst.writeShort(protocolBytes.length);
        dst.writeBytes(labelBytes);
        dst.writeBytes(protocolBytes);
    }
}
