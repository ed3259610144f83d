package io.sluice.worker.rtp.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.worker.rtp.RtpPacket;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.UdpPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end with a real encoder and a real receiver: libvpx (through ffmpeg) encodes VP8 with 3
 * temporal layers (pattern 0,2,1,2, error resilient so that dropped frames leave no entropy state
 * behind); this test packetizes it as RFC 7741 RTP, filters it through the VP8 rewriter to a target
 * temporal layer, renumbers sequence numbers as a consumer does, and sends it to a receiving
 * ffmpeg. ffmpeg's VP8 depacketizer stops at a gap in picture ids ("Missed a picture, sequence
 * broken") until the next key frame, so receiving every forwarded frame shows the ids continuous;
 * and each decoded frame must be bit-identical to the same frame of a full decode, which shows the
 * forwarded frames reference only forwarded frames.
 */
class Vp8TemporalLayersFfmpegTest {

    private static final int FRAMES = 48;
    /** Frames sent after those checked: a live RTP input has no end, ffmpeg holds its last frames till more come. */
    private static final int TAIL = 16;
    private static final int[] LAYER_PATTERN = {0, 2, 1, 2};
    private static final int MAX_PAYLOAD = 300;
    private static final Duration WAIT = Patience.WAIT;

    @TempDir
    Path dir;
    private Path ffmpeg;
    private Path encoded;
    private final List<ManagedProcess> processes = new ArrayList<>();

    @BeforeEach
    void encode() throws IOException {
        ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/udp")),
                "needs /proc/net/udp to see the receiver listen");
        encoded = dir.resolve("layers.ivf");
        run("encoder", List.of("-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
                "-frames:v", String.valueOf(FRAMES + TAIL), "-c:v", "libvpx", "-deadline", "realtime",
                "-cpu-used", "8", "-g", "16", "-keyint_min", "16", "-b:v", "500k", "-error-resilient", "default",
                "-ts-parameters",
                "ts_number_layers=3:ts_target_bitrate=250,375,500:ts_rate_decimator=4,2,1:ts_periodicity=4"
                        + ":ts_layer_id=0,2,1,2:ts_layering_mode=3",
                "-f", "ivf", encoded.toString()));
    }

    @ParameterizedTest(name = "target temporal layer {0}")
    @ValueSource(ints = {0, 1, 2})
    void theReceiverDecodesEveryForwardedFrameAsInTheFullStream(int target) throws Exception {
        List<byte[]> frames = readIvf(encoded);
        assertThat(frames).hasSize(FRAMES + TAIL);
        List<String> full = decodedHashes(run("reference", List.of("-i", encoded.toString(), "-f", "framemd5", "-")));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            if (LAYER_PATTERN[i % 4] <= target) {
                expected.add(full.get(i));
            }
        }

        List<byte[]> forwarded = forward(frames, target);

        int port = UdpPorts.freePair();
        Path sdp = dir.resolve("receiver.sdp");
        Files.writeString(sdp, "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=sluice\nc=IN IP4 127.0.0.1\nt=0 0\n"
                + "m=video " + port + " RTP/AVP 96\na=rtpmap:96 VP8/90000\n");
        Path hashes = dir.resolve("received.md5");
        ManagedProcess receiver = start("receiver", List.of("-protocol_whitelist", "file,udp,rtp",
                "-analyzeduration", "500000", "-fpsprobesize", "1", "-threads", "1", "-i", sdp.toString(),
                "-frames:v", String.valueOf(expected.size()), "-f", "framemd5", "-flush_packets", "1",
                hashes.toString()));
        await().atMost(WAIT).until(() -> UdpPorts.isBound(port) || !receiver.isAlive());
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] packet : forwarded) {
                socket.send(new DatagramPacket(packet, packet.length, InetAddress.getLoopbackAddress(), port));
            }
        }
        // The receiver writes a hash per decoded frame; when frames are missing it waits for them,
        // and the comparison below says which.
        try {
            await().atMost(WAIT).until(() -> !receiver.isAlive()
                    || Files.exists(hashes) && decodedHashes(Files.readString(hashes)).size() >= expected.size());
        } catch (ConditionTimeoutException missingFrames) {
            // compared below
        }
        receiver.stop();

        List<String> received = Files.exists(hashes) ? decodedHashes(Files.readString(hashes)) : List.of();
        assertThat(received).as("frames the receiver decoded; its log: %s", receiver.log())
                .containsExactlyElementsOf(expected);
        assertThat(receiver.log()).doesNotContain("sequence broken");
    }

    /** Packetizes the frames (RFC 7741) and returns the RTP packets the rewriter forwards, renumbered. */
    private static List<byte[]> forward(List<byte[]> frames, int target) {
        ForwardingHarness harness = new ForwardingHarness("video/VP8", 0, target);
        List<byte[]> forwarded = new ArrayList<>();
        int pictureId = 32_760;
        int tl0PicIdx = 254;
        int sequenceNumber = 65_530;
        RtpPacket view = new RtpPacket();
        for (int index = 0; index < frames.size(); index++) {
            byte[] frame = frames.get(index);
            int layer = LAYER_PATTERN[index % 4];
            if (layer == 0 && index > 0) {
                tl0PicIdx = (tl0PicIdx + 1) & 0xFF;
            }
            // ts_layering_mode 3: the layer 2 frame after a base frame and the layer 1 frame
            // reference the base layer only; the second layer 2 frame references layer 1.
            boolean sync = index % 4 == 1 || index % 4 == 2;
            for (int offset = 0; offset < frame.length; offset += MAX_PAYLOAD) {
                int length = Math.min(MAX_PAYLOAD, frame.length - offset);
                boolean last = offset + length == frame.length;
                ByteArrayOutputStream packet = new ByteArrayOutputStream();
                packet.write(0x80);
                packet.write((last ? 0x80 : 0) | 96);
                packet.write(0);
                packet.write(0); // sequence number: the consumer's, set below
                writeInt(packet, index * 3_000);
                writeInt(packet, 0x5eed);
                packet.write(0x80 | (offset == 0 ? 0x10 : 0));         // X, S on the first packet, PID 0
                packet.write(0xe0);                                     // I, L, T
                packet.write(0x80 | (pictureId >>> 8));                 // M=1, 15-bit picture id
                packet.write(pictureId & 0xFF);
                packet.write(tl0PicIdx);
                packet.write(layer << 6 | (sync ? 0x20 : 0));           // TID, Y
                packet.write(frame, offset, length);
                ByteBuf original = Unpooled.wrappedBuffer(packet.toByteArray());
                if (harness.forward(original)) {
                    ByteBuf copy = Unpooled.wrappedBuffer(packet.toByteArray());
                    assertThat(view.wrap(copy)).isTrue();
                    harness.rewriter.rewrite(copy, view.payloadOffset(), view.payloadLength());
                    view.setMarker(harness.rewriter.endOfForwardedFrame());
                    view.setSequenceNumber(sequenceNumber);
                    sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
                    forwarded.add(ByteBufUtil.getBytes(copy));
                }
            }
            pictureId = (pictureId + 1) & 0x7FFF;
        }
        return forwarded;
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    /** The frames of an IVF file: a 32-byte header, then per frame a 4-byte size and 8-byte timestamp (LE). */
    private static List<byte[]> readIvf(Path file) throws IOException {
        ByteBuffer ivf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        ivf.position(ivf.getShort(6));
        List<byte[]> frames = new ArrayList<>();
        while (ivf.remaining() >= 12) {
            byte[] frame = new byte[ivf.getInt()];
            ivf.getLong();
            ivf.get(frame);
            frames.add(frame);
        }
        return frames;
    }

    private static List<String> decodedHashes(String framemd5) {
        return framemd5.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.substring(line.lastIndexOf(',') + 1).trim()).toList();
    }

    private String run(String name, List<String> arguments) throws IOException {
        ManagedProcess process = start(name, arguments);
        await().atMost(WAIT).until(() -> !process.isAlive());
        return process.log();
    }

    private ManagedProcess start(String name, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y",
                "-loglevel", "warning"));
        command.addAll(arguments);
        ManagedProcess process = new ManagedProcess(command, dir.resolve(name + ".log")).start();
        processes.add(process);
        return process;
    }

    @AfterEach
    void stopProcesses() {
        processes.forEach(ManagedProcess::stop);
    }
}
