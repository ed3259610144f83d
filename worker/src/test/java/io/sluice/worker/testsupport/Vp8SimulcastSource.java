package io.sluice.worker.testsupport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A generated VP8 simulcast sender, byte for byte as RFC 7741 lays it out: each encoding (SSRC,
 * optionally a rid in the RtpStreamId header extension, RFC 8852 §3.1) sends 20 frames a second of
 * two packets each, with a 15-bit picture id, TL0PICIDX, and three temporal layers in the
 * L1T3 pattern 0,2,1,2 (the Y bit on the frames that reference only the base layer); every
 * {@code keyFrameInterval} frames, and on the next frame after {@link #requestKeyFrame}, a key frame
 * (P=0 in the payload header, RFC 7741 §4.3, with the VP8 start code and the encoding's width and
 * height, RFC 6386 §9.1). Each encoding has its own random sequence number and timestamp bases, as
 * a browser's; {@link #senderReport} gives the NTP/RTP pair its sender report would carry.
 * The payload after the VP8 header carries the encoding index and frame number so that a test can
 * tell which encoding a forwarded packet came from.
 */
public final class Vp8SimulcastSource {

    public static final int CLOCK_RATE = 90_000;
    public static final int FRAME_INTERVAL_MS = 50;
    public static final int TICKS_PER_FRAME = CLOCK_RATE * FRAME_INTERVAL_MS / 1000;
    private static final int[] TEMPORAL_PATTERN = {0, 2, 1, 2};
    /** Where the test marker (encoding index, frame number) sits in a key frame's first packet, after the descriptor. */
    public static final int KEY_FRAME_HEADER_LENGTH = 10;
    /** The same in an inter frame's first packet (the 3-byte frame tag). */
    public static final int INTER_FRAME_HEADER_LENGTH = 3;
    public static final int DESCRIPTOR_LENGTH = 6;

    /** One encoding's state. */
    public static final class Encoding {
        public final int index;
        public final long ssrc;
        public final String rid;
        public final int width;
        public final int height;
        private int sequenceNumber;
        private final long timestampBase;
        private int pictureId;
        private int tl0PicIdx;
        private int framesSinceKeyFrame = -1;
        private boolean keyFrameRequested = true;

        Encoding(int index, long ssrc, String rid, int width, int height, SplittableRandom random) {
            this.index = index;
            this.ssrc = ssrc;
            this.rid = rid;
            this.width = width;
            this.height = height;
            this.sequenceNumber = random.nextInt(0x10000);
            this.timestampBase = random.nextLong(0x1_0000_0000L);
            this.pictureId = random.nextInt(0x8000);
            this.tl0PicIdx = random.nextInt(0x100);
        }

        public long timestamp(int frame) {
            return (timestampBase + (long) frame * TICKS_PER_FRAME) & 0xFFFFFFFFL;
        }
    }

    private final int payloadType;
    private final int ridExtensionId;
    private final int keyFrameInterval;
    private final List<Encoding> encodings = new ArrayList<>();

    /**
     * @param ridExtensionId the RtpStreamId extension id, 0 to send none
     * @param rids           null entries (or a null array) send no rid
     */
    public Vp8SimulcastSource(int payloadType, int ridExtensionId, long[] ssrcs, String[] rids, int keyFrameInterval,
            long seed) {
        this.payloadType = payloadType;
        this.ridExtensionId = ridExtensionId;
        this.keyFrameInterval = keyFrameInterval;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < ssrcs.length; i++) {
            int scale = 1 << (ssrcs.length - 1 - i);
            encodings.add(new Encoding(i, ssrcs[i], rids == null ? null : rids[i], 1280 / scale, 720 / scale, random));
        }
    }

    public Encoding encoding(int index) {
        return encodings.get(index);
    }

    /** A PLI for {@code ssrc}: that encoding's next frame is a key frame. */
    public void requestKeyFrame(long ssrc) {
        for (Encoding encoding : encodings) {
            if (encoding.ssrc == ssrc) {
                encoding.keyFrameRequested = true;
            }
        }
    }

    /** The temporal layer the encoding's next frame will have. */
    public int nextTemporalLayer(int index) {
        Encoding encoding = encodings.get(index);
        boolean key = encoding.keyFrameRequested || encoding.framesSinceKeyFrame + 1 >= keyFrameInterval;
        return key ? 0 : TEMPORAL_PATTERN[(encoding.framesSinceKeyFrame + 1) % TEMPORAL_PATTERN.length];
    }

    /** The two RTP packets of frame {@code frame} (captured at {@code frame * 50 ms}) of encoding {@code index}. */
    public List<byte[]> frame(int index, int frame) {
        Encoding encoding = encodings.get(index);
        boolean keyFrame = encoding.keyFrameRequested || encoding.framesSinceKeyFrame + 1 >= keyFrameInterval;
        encoding.framesSinceKeyFrame = keyFrame ? 0 : encoding.framesSinceKeyFrame + 1;
        encoding.keyFrameRequested = false;
        int position = encoding.framesSinceKeyFrame % TEMPORAL_PATTERN.length;
        int temporalLayer = keyFrame ? 0 : TEMPORAL_PATTERN[position];
        boolean layerSync = temporalLayer > 0 && (position == 1 || position == 2);
        encoding.pictureId = (encoding.pictureId + 1) & 0x7FFF;
        if (temporalLayer == 0) {
            encoding.tl0PicIdx = (encoding.tl0PicIdx + 1) & 0xFF;
        }
        long timestamp = encoding.timestamp(frame);
        List<byte[]> packets = new ArrayList<>(2);
        for (int part = 0; part < 2; part++) {
            ByteBuffer out = ByteBuffer.allocate(200);
            boolean marker = part == 1;
            byte[] rid = encoding.rid == null || ridExtensionId == 0 ? null
                    : encoding.rid.getBytes(StandardCharsets.US_ASCII);
            out.put((byte) (rid == null ? 0x80 : 0x90));                   // V=2, X when a rid is sent
            out.put((byte) ((marker ? 0x80 : 0) | payloadType));
            out.putShort((short) encoding.sequenceNumber);
            encoding.sequenceNumber = (encoding.sequenceNumber + 1) & 0xFFFF;
            out.putInt((int) timestamp);
            out.putInt((int) encoding.ssrc);
            if (rid != null) {                                               // RFC 8285 §4.2 one-byte form
                int words = (1 + rid.length + 3) / 4;
                out.putShort((short) 0xBEDE).putShort((short) words);
                out.put((byte) (ridExtensionId << 4 | (rid.length - 1))).put(rid);
                for (int pad = 1 + rid.length; pad < words * 4; pad++) {
                    out.put((byte) 0);
                }
            }
            // RFC 7741 §4.2: X=1, S on the first packet, PID 0; I, L, T present; M=1 (15-bit picture id).
            out.put((byte) (0x80 | (part == 0 ? 0x10 : 0)));
            out.put((byte) 0xE0);
            out.put((byte) (0x80 | encoding.pictureId >> 8)).put((byte) encoding.pictureId);
            out.put((byte) encoding.tl0PicIdx);
            out.put((byte) (temporalLayer << 6 | (layerSync ? 0x20 : 0)));
            if (part == 0) {
                // RFC 6386 §9.1 frame tag: P (bit 0) 0 for key frames, version 0, show_frame, partition size.
                int tag = (keyFrame ? 0 : 1) | 0x10 | (100 << 5);
                out.put((byte) tag).put((byte) (tag >> 8)).put((byte) (tag >> 16));
                if (keyFrame) {
                    out.put((byte) 0x9d).put((byte) 0x01).put((byte) 0x2a);
                    out.put((byte) encoding.width).put((byte) (encoding.width >> 8));
                    out.put((byte) encoding.height).put((byte) (encoding.height >> 8));
                }
            }
            out.put((byte) index).putShort((short) frame);
            for (int filler = 0; filler < 60; filler++) {
                out.put((byte) filler);
            }
            byte[] packet = new byte[out.position()];
            out.flip().get(packet);
            packets.add(packet);
        }
        return packets;
    }

    /** The NTP time (ms since 1900) a sender report sent at frame {@code frame}'s capture would carry. */
    public static long ntpMillis(int frame) {
        return 3_900_000_000_000L + (long) frame * FRAME_INTERVAL_MS;
    }

    /** The 64-bit NTP timestamp (RFC 3550 §4) of {@link #ntpMillis}. */
    public static long ntpTimestamp(int frame) {
        long millis = ntpMillis(frame);
        return (millis / 1000) << 32 | ((millis % 1000) << 32) / 1000;
    }
}
