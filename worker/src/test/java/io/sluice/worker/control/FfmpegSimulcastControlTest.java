package io.sluice.worker.control;

import static io.sluice.worker.control.LoopbackUdp.isRtcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ConsumerLayers;
import io.sluice.api.v1.ConsumerSetPreferredLayersRequest;
import io.sluice.api.v1.ConsumerSetPreferredLayersResponse;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.UdpPorts;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real VP8 simulcast: three ffmpeg streams (80x60, 160x120, 320x240, 20 fps, a key frame every
 * 20 frames; ffmpeg ignores PLIs, so a switch waits for the next one), encoded first and sent in
 * real time (an encoder starved of CPU on a busy machine would send late and in bursts, and the
 * producer would take a late encoding for a stopped one), go through one relay socket (a comedia
 * transport learns one remote) into a simulcast producer with SSRC-signalled encodings; its
 * simulcast consumer's stream passes a tap (which reads the key frames' widths, RFC 7741 §4.3, and
 * checks sequence numbers and timestamps) on its way to an ffmpeg that decodes it.
 * consumer.setPreferredLayers moves the stream up and down; the decoder must see the three sizes in
 * that order and no frame it cannot decode.
 */
@ExtendWith(SharedWorker.class)
class FfmpegSimulcastControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int PAYLOAD_TYPE = 101;
    private static final int[] SSRCS = {0x51000001, 0x51000002, 0x51000003};
    private static final String[] SIZES = {"80x60", "160x120", "320x240"};
    private static final int[] WIDTHS = {80, 160, 320};
    /** Frames encoded per size, sent again and again: five seconds, five key frames. */
    private static final int ENCODED_FRAMES = 100;
    /** Frames decoded at one size before the next switch: a second of them. */
    private static final int FRAMES_PER_SIZE = 20;
    private static final Pattern SHOWINFO_SIZE = Pattern.compile("showinfo.* s:(\\d+x\\d+)");

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;

    private final LoopbackUdp udp = new LoopbackUdp();
    private final List<ManagedProcess> ffmpegs = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        ffmpegs.forEach(ManagedProcess::stop);
        udp.close();
    }

    private ManagedProcess ffmpeg(String name, List<String> arguments) {
        Path ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y"));
        command.addAll(arguments);
        ManagedProcess started = new ManagedProcess(command, dir.resolve(name + ".log")).start();
        ffmpegs.add(started);
        return started;
    }

    /**
     * The width of the VP8 key frame whose first packet this is (RFC 7741 §4.2 descriptor, §4.3
     * payload header, RFC 6386 §9.1 start code and size), or 0.
     */
    static int keyFrameWidth(byte[] rtp) {
        ByteBuffer packet = ByteBuffer.wrap(rtp);
        int at = 12 + 4 * (rtp[0] & 0x0F);
        if ((rtp[0] & 0x10) != 0) {
            at += 4 + 4 * (packet.getShort(at + 2) & 0xFFFF);
        }
        int first = rtp[at] & 0xFF;
        boolean start = (first & 0x10) != 0 && (first & 0x07) == 0;
        at++;
        if ((first & 0x80) != 0) {
            int extension = rtp[at++] & 0xFF;
            if ((extension & 0x80) != 0) {
                at += (rtp[at] & 0x80) != 0 ? 2 : 1;
            }
            if ((extension & 0x40) != 0) {
                at++;
            }
            if ((extension & 0x30) != 0) {
                at++;
            }
        }
        if (!start || (rtp[at] & 0x01) != 0 || (rtp[at + 3] & 0xFF) != 0x9d) {
            return 0;
        }
        return packet.order(java.nio.ByteOrder.LITTLE_ENDIAN).getShort(at + 6) & 0x3FFF;
    }

    /** The decoded frame sizes in order, each run of one size once (showinfo's "s:WxH"). */
    private static List<String> decodedSizes(String decoderLog) {
        List<String> sizes = new ArrayList<>();
        Matcher shown = SHOWINFO_SIZE.matcher(decoderLog);
        while (shown.find()) {
            if (sizes.isEmpty() || !sizes.get(sizes.size() - 1).equals(shown.group(1))) {
                sizes.add(shown.group(1));
            }
        }
        return sizes;
    }

    /** How many frames the decoder showed since it last changed size, if that size is {@code size}; else 0. */
    private static int decodedFramesAtLastSize(String decoderLog, String size) {
        List<String> all = new ArrayList<>();
        Matcher shown = SHOWINFO_SIZE.matcher(decoderLog);
        while (shown.find()) {
            all.add(shown.group(1));
        }
        int run = 0;
        for (int i = all.size() - 1; i >= 0 && all.get(i).equals(size); i--) {
            run++;
        }
        return run;
    }

    /** Waits until the decoder has shown {@link #FRAMES_PER_SIZE} frames at {@code size} since it changed size. */
    private static void awaitDecoded(ManagedProcess decoder, String consumerId, String size) {
        await().atMost(WAIT).untilAsserted(() -> {
            String log = decoder.log();
            assertThat(decodedFramesAtLastSize(log, size))
                    .as("frames at %s; sizes decoded so far %s; consumer %s", size, decodedSizes(log),
                            worker.consumerStats(consumerId).getStats())
                    .isGreaterThanOrEqualTo(FRAMES_PER_SIZE);
        });
    }

    private record Tapped(int sequenceNumber, long timestamp, boolean marker, int keyFrameWidth, long atMs) {
    }

    @Test
    void ffmpegSimulcastSwitchesDecodeAtEachSize() throws Exception {
        String routerId = worker.createRouter("ffmpeg-simulcast");
        var capabilities = worker.routerCapabilities(routerId);
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true);
        RtpParameters.Builder parameters = RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(PAYLOAD_TYPE)
                        .setClockRate(90000))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg-simulcast"));
        for (int ssrc : SSRCS) {
            parameters.addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc));
        }
        String producerId = worker.produce(sending.getId(), MediaKind.VIDEO, parameters.build());

        // One relay socket: the comedia transport learns one remote.
        DatagramSocket relay = udp.socket();
        InetSocketAddress workerAddress = new InetSocketAddress("127.0.0.1", sending.getTuple().getLocalPort());
        udp.onDatagrams("relay", relay, (datagram, from) -> {
            if (!from.equals(workerAddress)) {
                relay.send(new DatagramPacket(datagram, datagram.length, workerAddress));
            }
        });
        List<ManagedProcess> encoders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            encoders.add(ffmpeg("encoder-" + i, List.of("-f", "lavfi", "-i", "testsrc=size=" + SIZES[i] + ":rate=20",
                    "-frames:v", String.valueOf(ENCODED_FRAMES), "-c:v", "libvpx", "-deadline", "realtime",
                    "-cpu-used", "8", "-g", "20", "-b:v", (150 << i) + "k", "-an", "-f", "ivf",
                    dir.resolve("encoding-" + i + ".ivf").toString())));
        }
        for (ManagedProcess encoder : encoders) {
            await().atMost(WAIT).until(() -> !encoder.isAlive());
        }
        for (int i = 0; i < 3; i++) {
            Path encoded = dir.resolve("encoding-" + i + ".ivf");
            assertThat(Files.size(encoded)).as("encoder log:%n%s", encoders.get(i).log()).isPositive();
            ffmpeg("sender-" + i, List.of("-re", "-stream_loop", "-1", "-i", encoded.toString(), "-c:v", "copy",
                    "-an", "-ssrc", String.valueOf(SSRCS[i]), "-payload_type", String.valueOf(PAYLOAD_TYPE),
                    "-f", "rtp", "rtp://127.0.0.1:" + relay.getLocalPort() + "?rtcpport=" + relay.getLocalPort()));
        }

        // Consume once every encoding sends, so that the consumer starts on the preferred one.
        await().atMost(WAIT).until(() -> {
            var streams = worker.producerStats(producerId).getStats().getStreamsList();
            return streams.size() == 3 && streams.stream().allMatch(stream -> stream.getPacketCount() > 0);
        });

        // The decoder listens before the consumer sends, so that its first frame is the smallest key
        // frame; the consumer's payload type is the router's for VP8.
        int payloadType = capabilities.getCodecsList().stream()
                .filter(codec -> codec.getMimeType().equals("video/VP8")).findFirst().orElseThrow()
                .getPreferredPayloadType();
        int decoderPort = UdpPorts.freePair();
        Path sdp = dir.resolve("receiver.sdp");
        Files.writeString(sdp, "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=sluice\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video " + decoderPort + " RTP/AVP " + payloadType + "\r\n"
                + "a=rtpmap:" + payloadType + " VP8/90000\r\n");
        ManagedProcess decoder = ffmpeg("decoder", List.of("-protocol_whitelist", "file,udp,rtp", "-i", sdp.toString(),
                "-vf", "showinfo", "-f", "null", "-"));
        await().atMost(WAIT).until(() -> UdpPorts.isBound(decoderPort) || !decoder.isAlive());
        assertThat(decoder.isAlive()).as("decoder log:%n%s", decoder.log()).isTrue();

        // The tap between the consumer's transport and the decoding ffmpeg.
        DatagramSocket tap = udp.socket();
        List<Tapped> tapped = new CopyOnWriteArrayList<>();
        InetSocketAddress decoderAddress = new InetSocketAddress("127.0.0.1", decoderPort);
        udp.onDatagrams("tap", tap, (datagram, from) -> {
            if (isRtcp(datagram)) {
                return;
            }
            ByteBuffer packet = ByteBuffer.wrap(datagram);
            tapped.add(new Tapped(packet.getShort(2) & 0xFFFF, packet.getInt(4) & 0xFFFFFFFFL,
                    (datagram[1] & 0x80) != 0, keyFrameWidth(datagram), System.nanoTime() / 1_000_000));
            tap.send(new DatagramPacket(datagram, datagram.length, decoderAddress));
        });
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, false);
        worker.connectPlainTransport(receiving.getId(), tap.getLocalPort());
        TransportConsumeResponse consumed = client.call(workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                        .setTransportId(receiving.getId()).setProducerId(producerId).setRtpCapabilities(capabilities)
                        .setPreferredLayers(ConsumerLayers.newBuilder().setSpatialLayer(0)).build())
                .as(TransportConsumeResponse.parser());
        assertThat(consumed.getType()).isEqualTo("simulcast");
        assertThat(consumed.getRtpParameters().getCodecs(0).getPayloadType()).isEqualTo(payloadType);
        String consumerId = consumed.getConsumerId();

        // Each size is decoded for a while (a second of frames) before the next switch.
        awaitDecoded(decoder, consumerId, SIZES[0]);
        List<Long> latencies = new ArrayList<>();
        for (int spatial : new int[] {2, 1}) {
            int tappedBefore = tapped.size();
            long requestedAtMs = System.nanoTime() / 1_000_000;
            ConsumerSetPreferredLayersResponse answer = client.call(workerId, "consumer.setPreferredLayers",
                    ConsumerSetPreferredLayersRequest.newBuilder().setConsumerId(consumerId)
                            .setPreferredLayers(ConsumerLayers.newBuilder().setSpatialLayer(spatial)).build())
                    .as(ConsumerSetPreferredLayersResponse.parser());
            assertThat(answer.getPreferredLayers().getSpatialLayer()).isEqualTo(spatial);
            awaitDecoded(decoder, consumerId, SIZES[spatial]);
            long firstAtMs = tapped.subList(tappedBefore, tapped.size()).stream()
                    .filter(packet -> packet.keyFrameWidth() == WIDTHS[spatial]).findFirst().orElseThrow().atMs();
            latencies.add(firstAtMs - requestedAtMs);
        }
        System.out.printf("simulcast switch latency with ffmpeg (key frame every 1 s, PLIs ignored): %s ms%n",
                latencies);

        assertThat(decoder.terminate(WAIT)).as("decoder ends on SIGTERM").isTrue();
        String log = decoder.log();
        List<String> sizes = decodedSizes(log);
        assertThat(sizes).as("decoded sizes; decoder log:%n%s", log).containsExactly(SIZES[0], SIZES[2], SIZES[1]);
        assertThat(log).doesNotContain("Discarding interframe without a prior keyframe")
                .doesNotContain("Error while decoding").doesNotContain("RTP: missed");
        List<Tapped> stream = List.copyOf(tapped);
        for (int i = 1; i < stream.size(); i++) {
            assertThat(stream.get(i).sequenceNumber()).isEqualTo((stream.get(i - 1).sequenceNumber() + 1) & 0xFFFF);
            int step = (int) (stream.get(i).timestamp() - stream.get(i - 1).timestamp());
            assertThat(step).as("timestamps never go back").isNotNegative();
            // No jump: between two pictures at most a second (20 fps here), whatever the switch.
            assertThat(step).isLessThan(90_000);
        }
    }
}
