package io.sluice.worker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;

/**
 * A forwarded packet of a {@link Vp8SimulcastSource} stream, decoded independently of the worker's
 * codec code: its RTP fields, its VP8 descriptor (RFC 7741 §4.2), the key frame flag and width of
 * the payload header (§4.3), and the source's marker (encoding, frame); with the checks that a
 * receiver sees one well-formed stream.
 */
public record ForwardedVp8(long ssrc, int sequenceNumber, long timestamp, boolean marker, int pictureId, int tl0PicIdx,
        int temporalLayer, boolean startOfFrame, boolean keyFrame, int width, int encoding, int frame) {

    public static ForwardedVp8 parse(ByteBuf buf) {
        RtpPacket rtp = new RtpPacket();
        assertThat(rtp.wrap(buf)).isTrue();
        int at = rtp.payloadOffset();
        int first = buf.getUnsignedByte(at);
        assertThat(first & 0x80).as("X").isNotZero();
        boolean start = (first & 0x10) != 0;
        assertThat((int) buf.getUnsignedByte(at + 1)).isEqualTo(0xE0);
        int pictureId = (buf.getUnsignedByte(at + 2) & 0x7F) << 8 | buf.getUnsignedByte(at + 3);
        int tl0 = buf.getUnsignedByte(at + 4);
        int tid = buf.getUnsignedByte(at + 5) >>> 6;
        at += Vp8SimulcastSource.DESCRIPTOR_LENGTH;
        boolean key = false;
        int width = 0;
        if (start) {
            key = (buf.getUnsignedByte(at) & 0x01) == 0;
            if (key) {
                width = buf.getUnsignedShortLE(at + 6) & 0x3FFF;
                at += Vp8SimulcastSource.KEY_FRAME_HEADER_LENGTH;
            } else {
                at += Vp8SimulcastSource.INTER_FRAME_HEADER_LENGTH;
            }
        }
        return new ForwardedVp8(rtp.ssrc(), rtp.sequenceNumber(), rtp.timestamp(), rtp.marker(), pictureId, tl0, tid,
                start, key, width, buf.getUnsignedByte(at), buf.getUnsignedShort(at + 1));
    }

    /**
     * One stream: one SSRC; sequence numbers +1 each packet; picture ids +1 each picture; timestamps
     * rising with each picture; an encoding change only at a key frame's first packet.
     */
    public static void assertWellFormed(List<ForwardedVp8> out) {
        assertThat(out).isNotEmpty();
        assertThat(out.get(0).keyFrame()).as("starts at a key frame").isTrue();
        for (int i = 1; i < out.size(); i++) {
            ForwardedVp8 previous = out.get(i - 1);
            ForwardedVp8 packet = out.get(i);
            assertThat(packet.ssrc()).isEqualTo(previous.ssrc());
            assertThat(packet.sequenceNumber()).as("sequence number after %s", previous)
                    .isEqualTo((previous.sequenceNumber() + 1) & 0xFFFF);
            if (packet.startOfFrame()) {
                assertThat(previous.marker()).as("the previous picture ended").isTrue();
                assertThat(packet.pictureId()).as("picture id after %s", previous)
                        .isEqualTo((previous.pictureId() + 1) & 0x7FFF);
                assertThat((int) (packet.timestamp() - previous.timestamp())).as("timestamp after %s", previous)
                        .isPositive();
            } else {
                assertThat(packet.pictureId()).isEqualTo(previous.pictureId());
                assertThat(packet.timestamp()).isEqualTo(previous.timestamp());
            }
            if (packet.encoding() != previous.encoding()) {
                assertThat(packet.keyFrame() && packet.startOfFrame()).as("switch at a key frame: %s", packet).isTrue();
            }
        }
    }

    /**
     * The timestamp each picture should have: its capture instant on the first forwarded
     * encoding's clock; a key frame of the same instant as the last picture sent (the switch
     * happened within one capture instant) is one tick later, a picture of its own, and the
     * pictures after it keep that tick.
     */
    public static void assertTimestampsFollowTheCaptureClock(List<ForwardedVp8> out) {
        ForwardedVp8 first = out.get(0);
        long base = first.timestamp() - (long) first.frame() * Vp8SimulcastSource.TICKS_PER_FRAME;
        ForwardedVp8 previous = null;
        int bump = 0;
        for (ForwardedVp8 packet : out) {
            if (packet.startOfFrame() && previous != null && packet.encoding() != previous.encoding()
                    && packet.frame() == previous.frame()) {
                bump++;
            }
            long expected = (base + (long) packet.frame() * Vp8SimulcastSource.TICKS_PER_FRAME + bump) & 0xFFFFFFFFL;
            assertThat(packet.timestamp()).as("timestamp of %s", packet).isEqualTo(expected);
            previous = packet;
        }
    }

    public static List<Integer> encodings(List<ForwardedVp8> out) {
        List<Integer> runs = new ArrayList<>();
        for (ForwardedVp8 packet : out) {
            if (runs.isEmpty() || runs.get(runs.size() - 1) != packet.encoding()) {
                runs.add(packet.encoding());
            }
        }
        return runs;
    }
}
