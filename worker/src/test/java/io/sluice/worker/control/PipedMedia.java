package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ConsumerGetStatsRequest;
import io.sluice.api.v1.ConsumerGetStatsResponse;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportConnectResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.UdpPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The media ends of the pipe tests, on any worker of a process (or of several): a comedia plain
 * transport an ffmpeg sends VP8 or Opus into, a plain transport whose consumer an ffmpeg decodes
 * from (its SDP made from the consumer's parameters, RFC 8866), and the ffmpeg processes, which
 * the test stops (the list it gives).
 */
final class PipedMedia {

    /** A consumer on a plain transport connected to {@code port}, where the decoding ffmpeg listens. */
    record Receiver(TransportConsumeResponse consumer, int port) {}

    private final ControlClient client;
    private final Path dir;
    private final List<ManagedProcess> ffmpegs;
    /** What the ffmpeg command line is prefixed with: nothing, or {@code ip netns exec <name>}. */
    private final List<String> commandPrefix;

    PipedMedia(ControlClient client, Path dir, List<ManagedProcess> ffmpegs) {
        this(client, dir, ffmpegs, List.of());
    }

    private PipedMedia(ControlClient client, Path dir, List<ManagedProcess> ffmpegs, List<String> commandPrefix) {
        this.client = client;
        this.dir = dir;
        this.ffmpegs = ffmpegs;
        this.commandPrefix = List.copyOf(commandPrefix);
    }

    /**
     * The same, with ffmpeg run under {@code commandPrefix} (e.g. {@code ip netns exec a}): its
     * 127.0.0.1 is then that network namespace's, where the worker it talks to runs.
     */
    PipedMedia runningUnder(List<String> commandPrefix) {
        return new PipedMedia(client, dir, ffmpegs, commandPrefix);
    }

    static String createRouter(ControlClient client, String workerId, String room) throws InterruptedException {
        return client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8(room))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
    }

    static long consumerPacketsSent(ControlClient client, String workerId, String consumerId)
            throws InterruptedException {
        return client.call(workerId, "consumer.getStats", ConsumerGetStatsRequest.newBuilder()
                .setConsumerId(consumerId).build()).as(ConsumerGetStatsResponse.parser()).getStats().getPacketsSent();
    }

    PlainTransportInfo sendingTransport(String workerId, String routerId) throws InterruptedException {
        return plainTransport(workerId, routerId, true);
    }

    private PlainTransportInfo plainTransport(String workerId, String routerId, boolean comedia)
            throws InterruptedException {
        return client.call(workerId, "router.createPlainTransport", RouterCreatePlainTransportRequest.newBuilder()
                .setRouterId(routerId).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                .setComedia(comedia).build()).as(RouterCreatePlainTransportResponse.parser()).getTransport();
    }

    String produce(String workerId, String transportId, MediaKind kind, int ssrc) throws InterruptedException {
        RtpCodecParameters codec = kind == MediaKind.VIDEO
                ? RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101).setClockRate(90000).build()
                : RtpCodecParameters.newBuilder().setMimeType("audio/opus").setPayloadType(111).setClockRate(48000)
                        .setChannels(2).build();
        RtpParameters parameters = RtpParameters.newBuilder().addCodecs(codec)
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg")).build();
        return client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                .setTransportId(transportId).setKind(kind).setRtpParameters(parameters).build())
                .as(TransportProduceResponse.parser()).getProducerId();
    }

    /** A consumer of {@code producerId} on a new plain transport of the router, sending to a free local port. */
    Receiver receiver(String workerId, String routerId, String producerId) throws InterruptedException {
        PlainTransportInfo receiving = plainTransport(workerId, routerId, false);
        int port = UdpPorts.freePair();
        client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                .setTransportId(receiving.getId()).setIp("127.0.0.1").setPort(port).build())
                .as(PlainTransportConnectResponse.parser());
        var capabilities = client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId)
                .build()).as(RouterDumpResponse.parser()).getRtpCapabilities();
        TransportConsumeResponse consumer = client.call(workerId, "transport.consume", TransportConsumeRequest
                .newBuilder().setTransportId(receiving.getId()).setProducerId(producerId)
                .setRtpCapabilities(capabilities).build()).as(TransportConsumeResponse.parser());
        return new Receiver(consumer, port);
    }

    /** A decoding ffmpeg and where it writes. */
    record Decoding(ManagedProcess ffmpeg, Path output) {}

    /** An ffmpeg decoding {@code count} frames of the receiver's video into a directory of PNGs. */
    Decoding decodeVideo(Receiver receiver, int count) throws IOException {
        Path frames = Files.createDirectory(dir.resolve("frames-" + receiver.port()));
        return new Decoding(listening(ffmpeg("receiver-" + receiver.port(), List.of("-protocol_whitelist",
                "file,udp,rtp", "-i", sdp(receiver).toString(), "-frames:v", String.valueOf(count),
                frames.resolve("frame-%03d.png").toString())), receiver.port()), frames);
    }

    /** An ffmpeg decoding {@code count} Opus frames of the receiver's audio into a WAV file. */
    Decoding decodeAudio(Receiver receiver, int count) throws IOException {
        Path wav = dir.resolve("audio-" + receiver.port() + ".wav");
        return new Decoding(listening(ffmpeg("receiver-" + receiver.port(), List.of("-protocol_whitelist",
                "file,udp,rtp", "-i", sdp(receiver).toString(), "-frames:a", String.valueOf(count), wav.toString())),
                receiver.port()), wav);
    }

    static void awaitDecoded(Decoding decoding, int count) throws IOException {
        await().atMost(Patience.WAIT).until(() -> !decoding.ffmpeg().isAlive());
        try (Stream<Path> files = Files.list(decoding.output())) {
            assertThat(files.filter(f -> f.toString().endsWith(".png")).count())
                    .as("receiver log:%n%s", decoding.ffmpeg().log()).isEqualTo(count);
        }
    }

    static void awaitDecodedAudio(Decoding decoding) throws IOException {
        await().atMost(Patience.WAIT).until(() -> !decoding.ffmpeg().isAlive());
        // 50 Opus frames of 20 ms decode to 48000 Hz stereo 16-bit PCM: far more than a WAV header.
        assertThat(Files.exists(decoding.output())).as("receiver log:%n%s", decoding.ffmpeg().log()).isTrue();
        assertThat(Files.size(decoding.output())).isGreaterThan(50_000);
    }

    void sendVideo(int ssrc, int port, int seconds) {
        ffmpeg("video-sender", List.of("-re", "-t", String.valueOf(seconds), "-f", "lavfi",
                "-i", "testsrc=size=320x240:rate=20", "-c:v", "libvpx", "-deadline", "realtime", "-g", "10",
                "-b:v", "300k", "-an", "-ssrc", String.valueOf(ssrc), "-payload_type", "101",
                "-f", "rtp", "rtp://127.0.0.1:" + port + "?rtcpport=" + port));
    }

    void sendAudio(int ssrc, int port, int seconds) {
        ffmpeg("audio-sender", List.of("-re", "-t", String.valueOf(seconds), "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-ac", "2", "-c:a", "libopus", "-b:a", "64k",
                "-vn", "-ssrc", String.valueOf(ssrc), "-payload_type", "111",
                "-f", "rtp", "rtp://127.0.0.1:" + port + "?rtcpport=" + port));
    }

    private ManagedProcess ffmpeg(String name, List<String> arguments) {
        Path ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y"));
        command.addAll(arguments);
        ManagedProcess started = new ManagedProcess(command, dir.resolve(name + ".log")).start();
        ffmpegs.add(started);
        return started;
    }

    private static ManagedProcess listening(ManagedProcess receiver, int port) {
        // The receiver's own view of UDP sockets: right in whichever network namespace it runs.
        await().atMost(Patience.WAIT).until(() -> !receiver.isAlive() || UdpPorts.isBound(receiver.pid(), port));
        assertThat(receiver.isAlive()).as("receiver log:%n%s", receiver.log()).isTrue();
        return receiver;
    }

    /** The receiver's SDP (RFC 8866) for what the consumer sends: its payload type and codec. */
    private Path sdp(Receiver receiver) throws IOException {
        TransportConsumeResponse consumer = receiver.consumer();
        RtpCodecParameters codec = consumer.getRtpParameters().getCodecs(0);
        String[] mime = codec.getMimeType().split("/");
        boolean audio = consumer.getKind() == MediaKind.AUDIO;
        String sdp = "v=0\r\n"
                + "o=- 0 0 IN IP4 127.0.0.1\r\n"
                + "s=sluice\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=" + (audio ? "audio " : "video ") + receiver.port() + " RTP/AVP " + codec.getPayloadType() + "\r\n"
                + "a=rtpmap:" + codec.getPayloadType() + ' ' + mime[1] + '/' + codec.getClockRate()
                + (codec.hasChannels() ? "/" + codec.getChannels() : "") + "\r\n";
        Path file = dir.resolve("receiver-" + receiver.port() + ".sdp");
        Files.writeString(file, sdp);
        return file;
    }
}
