package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real VP8 and VP9 RTP from ffmpeg (libvpx, its RTP packetizers) on a local UDP socket: the
 * parsers accept every packet, find the key frames where the encoder put them (every 15th frame),
 * and their frame boundaries agree with the RTP timestamps and marker bits. Small packets split
 * the frames over several packets.
 */
class FfmpegRtpPayloadTest {

    private static final int FRAMES = 45;
    private static final int KEY_FRAME_INTERVAL = 15;
    private static final int RTP_TICKS_PER_FRAME = 90_000 / 30;

    @TempDir
    Path dir;

    @Test
    void vp8FromLibvpx() throws IOException {
        List<byte[]> packets = capture("vp8", List.of("-c:v", "libvpx"));
        PayloadDescriptor d = new PayloadDescriptor();
        Frames frames = check(packets, PayloadParser.forMimeType("video/VP8"), d, (view, descriptor) -> {
            // ffmpeg's packetizer: X=1, I=1 with a 15-bit picture id, no layers (RFC 7741 §4.2).
            assertThat(descriptor.pictureIdBits()).isEqualTo(15);
            assertThat(descriptor.hasLayerIndices()).isFalse();
            assertThat(descriptor.endOfFrame()).isEqualTo(view.marker());
        });
        assertThat(frames.pictureIdsContinuous).as("one picture id per frame, +1 each").isTrue();
        assertForwardedWhole(packets, "video/VP8");
    }

    @Test
    void vp9FromLibvpx() throws IOException {
        List<byte[]> packets = capture("vp9", List.of("-c:v", "libvpx-vp9", "-strict", "experimental"));
        PayloadDescriptor d = new PayloadDescriptor();
        check(packets, PayloadParser.forMimeType("video/VP9"), d, (view, descriptor) -> {
            // ffmpeg's packetizer: B and E only (RFC 9628 §4.2), one layer frame per picture, so
            // the end of the layer frame is the end of the picture.
            assertThat(descriptor.hasLayerIndices()).isFalse();
            assertThat(descriptor.endOfFrame()).isEqualTo(view.marker());
        });
        assertForwardedWhole(packets, "video/VP9");
    }

    /** What {@link #check} found. */
    private record Frames(int count, List<Integer> keyFrameIndices, boolean pictureIdsContinuous) {
    }

    private interface PerPacket {
        void check(RtpPacket view, PayloadDescriptor descriptor);
    }

    private static Frames check(List<byte[]> packets, PayloadParser parser, PayloadDescriptor d, PerPacket perPacket) {
        RtpPacket view = new RtpPacket();
        int frame = -1;
        long previousTimestamp = -1;
        boolean previousMarker = true;
        int previousSequence = -1;
        int previousPictureId = -1;
        boolean pictureIdsContinuous = true;
        List<Integer> keyFrames = new ArrayList<>();
        for (byte[] bytes : packets) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            assertThat(view.wrap(buf)).isTrue();
            assertThat(parser.parse(buf, view.payloadOffset(), view.payloadLength(), view.marker(), d))
                    .as("packet %d", view.sequenceNumber()).isTrue();
            boolean newFrame = view.timestamp() != previousTimestamp;
            if (newFrame) {
                frame++;
            }
            assertThat(d.startOfFrame()).as("start of frame of packet %d", view.sequenceNumber()).isEqualTo(newFrame);
            if (previousSequence >= 0 && ((previousSequence + 1) & 0xFFFF) == view.sequenceNumber()) {
                assertThat(previousMarker).as("the marker ends the frame before packet %d", view.sequenceNumber())
                        .isEqualTo(newFrame);
            }
            if (d.keyFrame()) {
                keyFrames.add(frame);
            }
            if (newFrame && d.pictureId() != PayloadDescriptor.ABSENT) {
                if (previousPictureId >= 0 && d.pictureId() != ((previousPictureId + 1) & 0x7FFF)) {
                    pictureIdsContinuous = false;
                }
                previousPictureId = d.pictureId();
            }
            perPacket.check(view, d);
            previousTimestamp = view.timestamp();
            previousMarker = view.marker();
            previousSequence = view.sequenceNumber();
        }
        assertThat(frame + 1).as("frames received").isBetween(FRAMES - 2, FRAMES);
        assertThat(packets.size()).as("frames split over several packets").isGreaterThan(frame + 1);
        List<Integer> expectedKeyFrames = new ArrayList<>();
        for (int key = 0; key <= frame; key += KEY_FRAME_INTERVAL) {
            expectedKeyFrames.add(key);
        }
        assertThat(keyFrames).as("key frames (one flagged packet each)").containsExactlyElementsOf(expectedKeyFrames);
        return new Frames(frame + 1, keyFrames, pictureIdsContinuous);
    }

    /** With the top layers as target, the rewriter forwards every packet unchanged. */
    private static void assertForwardedWhole(List<byte[]> packets, String mimeType) {
        ForwardingHarness harness = new ForwardingHarness(mimeType, 2, 2);
        RtpPacket view = new RtpPacket();
        for (byte[] bytes : packets) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            assertThat(harness.forward(buf)).isTrue();
            assertThat(view.wrap(buf)).isTrue();
            assertThat(harness.forwarded.getLast().marker()).isEqualTo(view.marker());
        }
        assertThat(harness.rewriter.currentTemporalLayer()).isZero();
        assertThat(harness.rewriter.currentSpatialLayer()).isZero();
    }

    /** Runs ffmpeg to send {@link #FRAMES} frames of a test pattern as RTP to a local socket; the packets received. */
    private List<byte[]> capture(String name, List<String> codec) throws IOException {
        Path ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setReceiveBufferSize(4 << 20);
            socket.setSoTimeout(200);
            List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-re",
                    "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-frames:v", Integer.toString(FRAMES)));
            command.addAll(codec);
            command.addAll(List.of("-deadline", "realtime", "-cpu-used", "8",
                    "-g", Integer.toString(KEY_FRAME_INTERVAL),
                    "-rtpflags", "skip_rtcp", "-f", "rtp",
                    "rtp://127.0.0.1:" + socket.getLocalPort() + "?pkt_size=300"));
            List<byte[]> packets = new ArrayList<>();
            try (ManagedProcess sender = new ManagedProcess(command, dir.resolve(name + ".log")).start()) {
                byte[] buffer = new byte[2048];
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                // Until ffmpeg has exited and its last datagram has been read.
                while (System.nanoTime() < giveUp) {
                    boolean senderDone = !sender.isAlive();
                    try {
                        socket.receive(datagram);
                    } catch (SocketTimeoutException e) {
                        if (senderDone) {
                            break;
                        }
                        continue;
                    }
                    packets.add(Arrays.copyOf(buffer, datagram.getLength()));
                }
            }
            assertThat(packets).as("RTP from ffmpeg, see %s", dir.resolve(name + ".log")).isNotEmpty();
            return packets;
        }
    }
}
