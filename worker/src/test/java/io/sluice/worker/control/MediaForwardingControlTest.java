package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.DtlsFingerprint;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.DtlsRole;
import io.sluice.api.v1.DtlsState;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.TransportCloseRequest;
import io.sluice.api.v1.TransportConnectRequest;
import io.sluice.api.v1.TransportConnectResponse;
import io.sluice.api.v1.TransportDumpRequest;
import io.sluice.api.v1.TransportDumpResponse;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.UdpPorts;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import io.sluice.api.v1.ConsumerClosed;
import io.sluice.api.v1.ConsumerDumpRequest;
import io.sluice.api.v1.ConsumerPauseRequest;
import io.sluice.api.v1.ConsumerResumeRequest;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportConnectRequest;
import io.sluice.api.v1.PlainTransportConnectResponse;
import io.sluice.api.v1.PlainTransportDumpRequest;
import io.sluice.api.v1.PlainTransportDumpResponse;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.ProducerCloseRequest;
import io.sluice.api.v1.ProducerClosed;
import io.sluice.api.v1.ProducerDumpRequest;
import io.sluice.api.v1.ProducerDumpResponse;
import io.sluice.api.v1.ProducerPauseRequest;
import io.sluice.api.v1.ProducerResumeRequest;
import io.sluice.api.v1.RouterCanConsumeRequest;
import io.sluice.api.v1.RouterCanConsumeResponse;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreatePlainTransportResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.SrtpCryptoSuite;
import io.sluice.api.v1.SrtpParameters;
import io.sluice.api.v1.TransportConsumeRequest;
import io.sluice.api.v1.TransportConsumeResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers, consumers and plain transports end to end on a real worker over NATS: real ffmpeg
 * sends VP8 or Opus (plain RTP or SRTP) into a comedia plain transport, the worker forwards it to a
 * consumer on a second plain transport, and a second ffmpeg decodes what arrives. Control-level
 * cases check typed errors, that refused requests leave nothing behind, and the close cascade.
 */
@ExtendWith(SharedWorker.class)
class MediaForwardingControlTest {

    private static final Duration WAIT = Patience.WAIT;
    private static final int VIDEO_SSRC = 0x11223344;
    private static final int AUDIO_SSRC = 0x22334455;

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;
    private static List<Event> events;
    private final List<ManagedProcess> ffmpegs = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        workerId = worker.workerId;
        client = worker.client;
        events = worker.events;
    }

    @AfterEach
    void stopFfmpeg() {
        ffmpegs.forEach(ManagedProcess::stop);
    }

    // ---- helpers ----

    private static RouterDumpResponse routerDump(String routerId) throws Exception {
        return client.call(workerId, "router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                .as(RouterDumpResponse.parser());
    }

    private static RtpParameters vp8Parameters(int ssrc) {
        return RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101).setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg"))
                .build();
    }

    private static RtpParameters opusParameters(int ssrc) {
        return RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("audio/opus").setPayloadType(111)
                        .setClockRate(48000).setChannels(2))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg"))
                .build();
    }

    private static ControlClient.Reply produce(String transportId, MediaKind kind, RtpParameters parameters)
            throws Exception {
        return client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                .setTransportId(transportId).setKind(kind).setRtpParameters(parameters).build());
    }

    private static ControlClient.Reply consume(String transportId, String producerId, RtpCapabilities capabilities)
            throws Exception {
        return client.call(workerId, "transport.consume", TransportConsumeRequest.newBuilder()
                .setTransportId(transportId).setProducerId(producerId).setRtpCapabilities(capabilities).build());
    }

    private ManagedProcess ffmpeg(String name, List<String> arguments) {
        Path ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y"));
        command.addAll(arguments);
        ManagedProcess started = new ManagedProcess(command, dir.resolve(name + ".log")).start();
        ffmpegs.add(started);
        return started;
    }

    /** The receiver's SDP (RFC 8866) for what the consumer sends: its payload type, codec and SSRC. */
    private Path receiverSdp(int port, TransportConsumeResponse consumer, SrtpParameters srtp) throws IOException {
        RtpCodecParameters codec = consumer.getRtpParameters().getCodecs(0);
        String[] mime = codec.getMimeType().split("/");
        boolean audio = consumer.getKind() == MediaKind.AUDIO;
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=- 0 0 IN IP4 127.0.0.1\r\n")
                .append("s=sluice\r\n")
                .append("c=IN IP4 127.0.0.1\r\n")
                .append("t=0 0\r\n")
                .append("m=").append(audio ? "audio " : "video ").append(port).append(srtp == null ? " RTP/AVP " : " RTP/SAVP ")
                .append(codec.getPayloadType()).append("\r\n")
                .append("a=rtpmap:").append(codec.getPayloadType()).append(' ').append(mime[1]).append('/')
                .append(codec.getClockRate()).append(codec.hasChannels() ? "/" + codec.getChannels() : "").append("\r\n");
        if (srtp != null) {
            sdp.append("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:").append(srtp.getKeyBase64()).append("\r\n");
        }
        Path file = dir.resolve("receiver-" + port + ".sdp");
        Files.writeString(file, sdp);
        return file;
    }

    private static long countFiles(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(suffix)).count();
        }
    }

    private record Forwarding(String routerId, PlainTransportInfo sending, PlainTransportInfo receiving,
            String producerId, TransportConsumeResponse consumer, int receiverPort) {}

    /**
     * A producer on a comedia plain transport and a consumer of it on a second plain transport
     * connected to a local port where the receiving ffmpeg will listen.
     */
    private static Forwarding forwarding(MediaKind kind, RtpParameters parameters, boolean srtp,
            SrtpParameters senderKey) throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true, srtp);
        if (srtp) {
            client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                    .setTransportId(sending.getId()).setSrtpParameters(senderKey).build())
                    .as(PlainTransportConnectResponse.parser());
        }
        String producerId = produce(sending.getId(), kind, parameters).as(TransportProduceResponse.parser()).getProducerId();
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, false, srtp);
        int receiverPort = UdpPorts.freePair();
        PlainTransportConnectRequest.Builder connect = PlainTransportConnectRequest.newBuilder()
                .setTransportId(receiving.getId()).setIp("127.0.0.1").setPort(receiverPort);
        if (srtp) {
            // The receiving ffmpeg sends nothing we need; any well-formed key will do for its direction.
            connect.setSrtpParameters(randomKey());
        }
        client.call(workerId, "plainTransport.connect", connect.build()).as(PlainTransportConnectResponse.parser());
        TransportConsumeResponse consumer = consume(receiving.getId(), producerId, worker.routerCapabilities(routerId))
                .as(TransportConsumeResponse.parser());
        return new Forwarding(routerId, sending, receiving, producerId, consumer, receiverPort);
    }

    private static SrtpParameters randomKey() {
        byte[] keyAndSalt = new byte[30];
        new SecureRandom().nextBytes(keyAndSalt);
        return SrtpParameters.newBuilder().setCryptoSuite(SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80)
                .setKeyBase64(Base64.getEncoder().encodeToString(keyAndSalt)).build();
    }

    private static List<String> videoSender(int seconds, int ssrc, int port, SrtpParameters srtp) {
        List<String> args = new ArrayList<>(List.of("-re", "-t", String.valueOf(seconds), "-f", "lavfi",
                "-i", "testsrc=size=320x240:rate=20", "-c:v", "libvpx", "-deadline", "realtime", "-g", "10",
                "-b:v", "300k", "-an", "-ssrc", String.valueOf(ssrc), "-payload_type", "101"));
        return withRtpOutput(args, port, srtp);
    }

    private static List<String> audioSender(int seconds, int ssrc, int port, SrtpParameters srtp) {
        List<String> args = new ArrayList<>(List.of("-re", "-t", String.valueOf(seconds), "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-ac", "2", "-c:a", "libopus", "-b:a", "64k",
                "-vn", "-ssrc", String.valueOf(ssrc), "-payload_type", "111"));
        return withRtpOutput(args, port, srtp);
    }

    private static List<String> withRtpOutput(List<String> args, int port, SrtpParameters srtp) {
        if (srtp != null) {
            args.addAll(List.of("-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80", "-srtp_out_params", srtp.getKeyBase64(),
                    "-f", "rtp", "srtp://127.0.0.1:" + port + "?rtcpport=" + port));
        } else {
            args.addAll(List.of("-f", "rtp", "rtp://127.0.0.1:" + port + "?rtcpport=" + port));
        }
        return args;
    }

    private ManagedProcess videoReceiver(Path sdp, int port, Path frames, int count) {
        return listening(ffmpeg("receiver", List.of("-protocol_whitelist", "file,udp,rtp,srtp,crypto",
                "-i", sdp.toString(), "-frames:v", String.valueOf(count), frames.resolve("frame-%03d.png").toString())),
                port);
    }

    /** The receiver once it has bound its port: what is sent before is lost to it. */
    private static ManagedProcess listening(ManagedProcess receiver, int port) {
        await().atMost(WAIT).until(() -> UdpPorts.isBound(port) || !receiver.isAlive());
        assertThat(receiver.isAlive()).as("receiver log:%n%s", receiver.log()).isTrue();
        return receiver;
    }

    // ---- ffmpeg end to end ----

    @Test
    void eachConsumerOfATransportHasAMidOfItsOwnNumberedAsMediasoupDoes() throws Exception {
        String routerId = worker.createRouter("mid-room");
        RtpCapabilities capabilities = worker.routerCapabilities(routerId);
        String producerId = produce(worker.createPlainTransport(routerId, true).getId(), MediaKind.VIDEO,
                vp8Parameters(0x4d1d0001)).as(TransportProduceResponse.parser()).getProducerId();
        String first = worker.createPlainTransport(routerId, true).getId();
        String second = worker.createPlainTransport(routerId, true).getId();

        List<String> mids = new ArrayList<>();
        for (String transportId : List.of(first, first, second)) {
            mids.add(consume(transportId, producerId, capabilities).as(TransportConsumeResponse.parser())
                    .getRtpParameters().getMid());
        }

        assertThat(mids).containsExactly("0", "1", "0");
    }

    @Test
    void vp8FromFfmpegIsForwardedToAConsumerThatFfmpegDecodes() throws Exception {
        Forwarding media = forwarding(MediaKind.VIDEO, vp8Parameters(VIDEO_SSRC), false, null);
        assertThat(media.consumer().getKind()).isEqualTo(MediaKind.VIDEO);
        assertThat(media.consumer().getRtpParameters().getCodecs(0).getMimeType()).isEqualTo("video/VP8");
        Path frames = Files.createDirectory(dir.resolve("vp8"));
        ManagedProcess receiver = videoReceiver(receiverSdp(media.receiverPort(), media.consumer(), null),
                media.receiverPort(), frames, 20);
        ffmpeg("sender", videoSender(60, VIDEO_SSRC, media.sending().getTuple().getLocalPort(), null));

        await().atMost(WAIT).until(() -> !receiver.isAlive());
        assertThat(countFiles(frames, ".png")).as("receiver log:%n%s", receiver.log()).isEqualTo(20);
        assertThat(worker.producerStats(media.producerId()).getStats().getPacketsReceived()).isPositive();
        assertThat(worker.consumerStats(media.consumer().getConsumerId()).getStats().getPacketsSent()).isPositive();
        PlainTransportDumpResponse sending = client.call(workerId, "plainTransport.dump",
                PlainTransportDumpRequest.newBuilder().setTransportId(media.sending().getId()).build())
                .as(PlainTransportDumpResponse.parser());
        assertThat(sending.getTransport().getTuple().getRemoteAddress()).as("learned by comedia").isEqualTo("127.0.0.1");
        assertThat(sending.getProducerIdsList()).containsExactly(media.producerId());
    }

    @Test
    void opusFromFfmpegIsForwardedToAConsumerThatFfmpegDecodes() throws Exception {
        Forwarding media = forwarding(MediaKind.AUDIO, opusParameters(AUDIO_SSRC), false, null);
        Path wav = dir.resolve("opus.wav");
        ManagedProcess receiver = listening(ffmpeg("receiver", List.of("-protocol_whitelist", "file,udp,rtp",
                "-i", receiverSdp(media.receiverPort(), media.consumer(), null).toString(),
                "-frames:a", "50", wav.toString())), media.receiverPort());
        ffmpeg("sender", audioSender(60, AUDIO_SSRC, media.sending().getTuple().getLocalPort(), null));

        await().atMost(WAIT).until(() -> !receiver.isAlive());
        // 50 Opus frames of 20 ms decode to 48000 Hz stereo 16-bit PCM: far more than a WAV header.
        assertThat(Files.exists(wav)).as("receiver log:%n%s", receiver.log()).isTrue();
        assertThat(Files.size(wav)).isGreaterThan(50_000);
    }

    @Test
    void srtpOnBothSidesWithKeysExchangedInSignalling() throws Exception {
        SrtpParameters senderKey = randomKey();
        Forwarding media = forwarding(MediaKind.VIDEO, vp8Parameters(VIDEO_SSRC), true, senderKey);
        assertThat(media.receiving().getSrtpParameters().getCryptoSuite()).isEqualTo(SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80);
        assertThat(Base64.getDecoder().decode(media.receiving().getSrtpParameters().getKeyBase64())).hasSize(30);
        Path frames = Files.createDirectory(dir.resolve("srtp"));
        ManagedProcess receiver = videoReceiver(
                receiverSdp(media.receiverPort(), media.consumer(), media.receiving().getSrtpParameters()),
                media.receiverPort(), frames, 10);
        ffmpeg("sender", videoSender(60, VIDEO_SSRC, media.sending().getTuple().getLocalPort(), senderKey));

        await().atMost(WAIT).until(() -> !receiver.isAlive());
        assertThat(countFiles(frames, ".png")).as("receiver log:%n%s", receiver.log()).isEqualTo(10);
    }

    @Test
    void aSenderWithTheWrongSrtpKeyIsDroppedNotForwarded() throws Exception {
        Forwarding media = forwarding(MediaKind.VIDEO, vp8Parameters(VIDEO_SSRC), true, randomKey());
        ManagedProcess sender = ffmpeg("sender", videoSender(2, VIDEO_SSRC, media.sending().getTuple().getLocalPort(),
                randomKey()));

        await().atMost(WAIT).until(() -> !sender.isAlive());
        PlainTransportDumpResponse dump = client.call(workerId, "plainTransport.dump",
                PlainTransportDumpRequest.newBuilder().setTransportId(media.sending().getId()).build())
                .as(PlainTransportDumpResponse.parser());
        assertThat(dump.getDroppedPacketsMap()).containsKey("srtp_failed");
        assertThat(worker.producerStats(media.producerId()).getStats().getPacketsReceived()).isZero();
    }

    @Test
    void pauseAndResumeKeepSequenceNumbersContiguous() throws Exception {
        Forwarding media = forwarding(MediaKind.VIDEO, vp8Parameters(VIDEO_SSRC), false, null);
        Path frames = Files.createDirectory(dir.resolve("resumed"));
        ManagedProcess receiver = videoReceiver(receiverSdp(media.receiverPort(), media.consumer(), null),
                media.receiverPort(), frames, 60);
        ffmpeg("sender", videoSender(60, VIDEO_SSRC, media.sending().getTuple().getLocalPort(), null));
        String consumerId = media.consumer().getConsumerId();
        await().atMost(WAIT).until(() -> worker.consumerStats(consumerId).getStats().getPacketsSent() > 20);

        client.call(workerId, "consumer.pause", ConsumerPauseRequest.newBuilder().setConsumerId(consumerId).build());
        long sentWhilePausing = worker.consumerStats(consumerId).getStats().getPacketsSent();
        await().atMost(WAIT).until(() -> worker.consumerStats(consumerId).getStats().getDroppedPacketsMap()
                .getOrDefault("paused", 0L) > 40);
        assertThat(worker.consumerStats(consumerId).getStats().getPacketsSent()).isEqualTo(sentWhilePausing);
        client.call(workerId, "consumer.resume", ConsumerResumeRequest.newBuilder().setConsumerId(consumerId).build());

        await().atMost(WAIT).until(() -> !receiver.isAlive());
        assertThat(countFiles(frames, ".png")).as("receiver log:%n%s", receiver.log()).isEqualTo(60);
        // The receiver heard the stream before and after the pause: a jump in sequence numbers
        // would show in its RTP demuxer's log as missed packets (RFC 3550 §A.1 loss accounting).
        assertThat(receiver.log()).doesNotContain("RTP: missed");
        assertThat(worker.producerStats(media.producerId()).getStats().getKeyFrameRequestsSent()).isPositive();
    }

    @Test
    void withoutRtcpMuxRtpAndRtcpArriveOnTwoPortsEachLearnedByComedia() throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo transport = client.call(workerId, "router.createPlainTransport",
                RouterCreatePlainTransportRequest.newBuilder().setRouterId(routerId)
                        .setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                        .setRtcpMux(false).setComedia(true).build())
                .as(RouterCreatePlainTransportResponse.parser()).getTransport();
        assertThat(transport.getRtcpMux()).isFalse();
        int rtpPort = transport.getTuple().getLocalPort();
        int rtcpPort = transport.getRtcpTuple().getLocalPort();
        assertThat(rtcpPort).isPositive().isNotEqualTo(rtpPort);
        String producerId = produce(transport.getId(), MediaKind.VIDEO, vp8Parameters(VIDEO_SSRC))
                .as(TransportProduceResponse.parser()).getProducerId();

        List<String> sender = new ArrayList<>(videoSender(2, VIDEO_SSRC, rtpPort, null));
        sender.set(sender.size() - 1, "rtp://127.0.0.1:" + rtpPort + "?rtcpport=" + rtcpPort);
        ManagedProcess ffmpeg = ffmpeg("sender", sender);

        await().atMost(WAIT).until(() -> !ffmpeg.isAlive());
        PlainTransportDumpResponse dump = client.call(workerId, "plainTransport.dump",
                PlainTransportDumpRequest.newBuilder().setTransportId(transport.getId()).build())
                .as(PlainTransportDumpResponse.parser());
        assertThat(dump.getTransport().getTuple().getRemotePort()).isPositive();
        assertThat(dump.getTransport().getRtcpTuple().getRemotePort()).as("ffmpeg's sender reports")
                .isPositive().isNotEqualTo(dump.getTransport().getTuple().getRemotePort());
        assertThat(dump.getDroppedPacketsMap()).doesNotContainKey("unknown_tuple");
        assertThat(worker.producerStats(producerId).getStats().getPacketsReceived()).isPositive();
    }

    // ---- control level ----

    @Test
    void invalidProduceRequestsGetTypedErrorsAndLeaveNothingBehind() throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo transport = worker.createPlainTransport(routerId, true, false);

        assertThat(produce(transport.getId(), MediaKind.AUDIO, vp8Parameters(1)).error().getField())
                .isEqualTo("rtp_parameters.codecs[0].mime_type");
        RtpParameters h264 = vp8Parameters(2).toBuilder()
                .setCodecs(0, RtpCodecParameters.newBuilder().setMimeType("video/H264").setPayloadType(102)
                        .setClockRate(90000)).build();
        assertThat(produce(transport.getId(), MediaKind.VIDEO, h264).code()).isEqualTo(ErrorCode.UNSUPPORTED);
        RtpParameters noCodecs = vp8Parameters(3).toBuilder().clearCodecs().build();
        assertThat(produce(transport.getId(), MediaKind.VIDEO, noCodecs).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(produce("no-such-transport", MediaKind.VIDEO, vp8Parameters(4)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                .setTransportId(transport.getId()).setRtpParameters(vp8Parameters(5)).build()).error().getField())
                .isEqualTo("kind");

        String producerId = produce(transport.getId(), MediaKind.VIDEO, vp8Parameters(6))
                .as(TransportProduceResponse.parser()).getProducerId();
        ControlClient.Reply sameSsrc = produce(transport.getId(), MediaKind.VIDEO, vp8Parameters(6));
        assertThat(sameSsrc.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);

        assertThat(routerDump(routerId).getProducerIdsList()).containsExactly(producerId);
        PlainTransportDumpResponse dump = client.call(workerId, "plainTransport.dump",
                PlainTransportDumpRequest.newBuilder().setTransportId(transport.getId()).build())
                .as(PlainTransportDumpResponse.parser());
        assertThat(dump.getProducerIdsList()).containsExactly(producerId);
    }

    @Test
    void invalidConsumeRequestsGetTypedErrorsAndLeaveNothingBehind() throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true, false);
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, true, false);
        String producerId = produce(sending.getId(), MediaKind.VIDEO, vp8Parameters(7))
                .as(TransportProduceResponse.parser()).getProducerId();
        RtpCapabilities opusOnly = RtpCapabilities.newBuilder()
                .addCodecs(RtpCodecCapability.newBuilder().setKind(MediaKind.AUDIO).setMimeType("audio/opus")
                        .setPreferredPayloadType(100).setClockRate(48000).setChannels(2))
                .build();

        assertThat(consume(receiving.getId(), producerId, opusOnly).code()).isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(client.call(workerId, "router.canConsume", RouterCanConsumeRequest.newBuilder()
                .setRouterId(routerId).setProducerId(producerId).setRtpCapabilities(opusOnly).build())
                .as(RouterCanConsumeResponse.parser()).getCanConsume()).isFalse();
        assertThat(client.call(workerId, "router.canConsume", RouterCanConsumeRequest.newBuilder()
                .setRouterId(routerId).setProducerId(producerId).setRtpCapabilities(worker.routerCapabilities(routerId))
                .build())
                .as(RouterCanConsumeResponse.parser()).getCanConsume()).isTrue();
        RtpCapabilities malformed = opusOnly.toBuilder()
                .setCodecs(0, opusOnly.getCodecs(0).toBuilder().setMimeType("opus")).build();
        assertThat(consume(receiving.getId(), producerId, malformed).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(consume(receiving.getId(), "no-such-producer", worker.routerCapabilities(routerId)).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        String otherRouter = worker.createRouter("media-room");
        PlainTransportInfo elsewhere = worker.createPlainTransport(otherRouter, true, false);
        assertThat(consume(elsewhere.getId(), producerId, worker.routerCapabilities(routerId)).code())
                .as("a producer of another router").isEqualTo(ErrorCode.NOT_FOUND);

        assertThat(routerDump(routerId).getConsumerIdsList()).isEmpty();
        assertThat(routerDump(otherRouter).getConsumerIdsList()).isEmpty();
        ProducerDumpResponse producer = client.call(workerId, "producer.dump",
                ProducerDumpRequest.newBuilder().setProducerId(producerId).build()).as(ProducerDumpResponse.parser());
        assertThat(producer.getConsumerIdsList()).isEmpty();
    }

    @Test
    void aClosedProducerClosesItsConsumersWithEventsOnNats() throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true, false);
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, true, false);
        String producerId = produce(sending.getId(), MediaKind.VIDEO, vp8Parameters(8))
                .as(TransportProduceResponse.parser()).getProducerId();
        String consumerId = consume(receiving.getId(), producerId, worker.routerCapabilities(routerId))
                .as(TransportConsumeResponse.parser()).getConsumerId();

        client.call(workerId, "producer.pause", ProducerPauseRequest.newBuilder().setProducerId(producerId).build());
        client.call(workerId, "producer.resume", ProducerResumeRequest.newBuilder().setProducerId(producerId).build());
        client.call(workerId, "producer.close", ProducerCloseRequest.newBuilder().setProducerId(producerId).build());

        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.hasProducerClosed() && e.getRouterId().equals(routerId)));
        List<Event> ours = events.stream().filter(e -> e.getRouterId().equals(routerId)).toList();
        assertThat(ours).filteredOn(e -> e.hasConsumerProducerPaused() || e.hasConsumerProducerResumed()
                || e.hasConsumerProducerClosed() || e.hasConsumerClosed() || e.hasProducerClosed())
                .extracting(Event::getBodyCase).containsExactly(
                        Event.BodyCase.CONSUMER_PRODUCER_PAUSED, Event.BodyCase.CONSUMER_PRODUCER_RESUMED,
                        Event.BodyCase.CONSUMER_PRODUCER_CLOSED, Event.BodyCase.CONSUMER_CLOSED,
                        Event.BodyCase.PRODUCER_CLOSED);
        assertThat(ours).filteredOn(Event::hasConsumerClosed).singleElement()
                .extracting(e -> e.getConsumerClosed().getReason()).isEqualTo(ConsumerClosed.Reason.PRODUCER_CLOSED);
        assertThat(ours).filteredOn(Event::hasProducerClosed).singleElement()
                .extracting(e -> e.getProducerClosed().getReason()).isEqualTo(ProducerClosed.Reason.REQUESTED);
        assertThat(client.call(workerId, "consumer.dump", ConsumerDumpRequest.newBuilder().setConsumerId(consumerId)
                .build()).code()).isEqualTo(ErrorCode.NOT_FOUND);
        RouterDumpResponse dump = routerDump(routerId);
        assertThat(dump.getProducerIdsList()).isEmpty();
        assertThat(dump.getConsumerIdsList()).isEmpty();
    }

    @Test
    void closingTheRouterClosesProducersConsumersAndPlainTransports() throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo sending = worker.createPlainTransport(routerId, true, false);
        PlainTransportInfo receiving = worker.createPlainTransport(routerId, true, false);
        String producerId = produce(sending.getId(), MediaKind.VIDEO, vp8Parameters(9))
                .as(TransportProduceResponse.parser()).getProducerId();
        consume(receiving.getId(), producerId, worker.routerCapabilities(routerId))
                .as(TransportConsumeResponse.parser());

        client.call(workerId, "router.close", RouterCloseRequest.newBuilder().setRouterId(routerId).build());

        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.hasRouterClosed() && e.getRouterId().equals(routerId)));
        List<Event> ours = events.stream().filter(e -> e.getRouterId().equals(routerId)).toList();
        assertThat(ours).filteredOn(Event::hasConsumerClosed).singleElement()
                .extracting(e -> e.getConsumerClosed().getReason()).isIn(
                        ConsumerClosed.Reason.ROUTER_CLOSED, ConsumerClosed.Reason.PRODUCER_CLOSED);
        assertThat(ours).filteredOn(Event::hasProducerClosed).singleElement()
                .extracting(e -> e.getProducerClosed().getReason()).isEqualTo(ProducerClosed.Reason.ROUTER_CLOSED);
        assertThat(ours).filteredOn(Event::hasTransportClosed).hasSize(2);
        assertThat(client.call(workerId, "plainTransport.dump", PlainTransportDumpRequest.newBuilder()
                .setTransportId(sending.getId()).build()).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void plainTransportConnectChecksItsArguments() throws Exception {
        String routerId = worker.createRouter("media-room");
        PlainTransportInfo plain = worker.createPlainTransport(routerId, false, false);
        PlainTransportInfo srtp = worker.createPlainTransport(routerId, false, true);

        assertThat(client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                .setTransportId(plain.getId()).setPort(5004).build()).error().getField()).isEqualTo("ip");
        assertThat(client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                .setTransportId(plain.getId()).setIp("127.0.0.1").setPort(70000).build()).error().getField())
                .isEqualTo("port");
        assertThat(client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                .setTransportId(srtp.getId()).setIp("127.0.0.1").setPort(5004).build()).error().getField())
                .isEqualTo("srtp_parameters");
        assertThat(client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                .setTransportId(srtp.getId()).setIp("127.0.0.1").setPort(5004)
                .setSrtpParameters(SrtpParameters.newBuilder().setKeyBase64("c2hvcnQ=")).build()).error().getField())
                .isEqualTo("srtp_parameters.key_base64");
        PlainTransportInfo connected = client.call(workerId, "plainTransport.connect",
                PlainTransportConnectRequest.newBuilder().setTransportId(plain.getId()).setIp("127.0.0.1").setPort(5004)
                        .build()).as(PlainTransportConnectResponse.parser()).getTransport();
        assertThat(connected.getTuple().getRemotePort()).isEqualTo(5004);
        assertThat(client.call(workerId, "plainTransport.connect", PlainTransportConnectRequest.newBuilder()
                .setTransportId(plain.getId()).setIp("127.0.0.1").setPort(5006).build()).code())
                .isEqualTo(ErrorCode.FAILED_PRECONDITION);
    }

    // ---- WebRTC transports carry producers and consumers too ----

    @Test
    void rtpFromAWebRtcPeerReachesAWebRtcConsumerAndAPlainOneRewritten() throws Exception {
        String routerId = worker.createRouter("media-room");
        WebRtcTransportInfo sendTransport = createWebRtcTransport(routerId);
        WebRtcTransportInfo recvTransport = createWebRtcTransport(routerId);
        try (WebRtcTestPeer sender = WebRtcTestPeer.udp(udpAddress(sendTransport));
                WebRtcTestPeer receiver = WebRtcTestPeer.udp(udpAddress(recvTransport));
                DatagramSocket plainReceiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            connect(sendTransport, sender);
            connect(recvTransport, receiver);
            RtpParameters fromPeer = vp8Parameters(0x1234).toBuilder()
                    .setCodecs(0, vp8Parameters(0).getCodecs(0).toBuilder().setPayloadType(96)).build();
            String producerId = produce(sendTransport.getId(), MediaKind.VIDEO, fromPeer)
                    .as(TransportProduceResponse.parser()).getProducerId();
            TransportConsumeResponse webRtcConsumer = consume(recvTransport.getId(), producerId,
                    worker.routerCapabilities(routerId)).as(TransportConsumeResponse.parser());
            PlainTransportInfo plain = worker.createPlainTransport(routerId, false, false);
            worker.connectPlainTransport(plain.getId(), plainReceiver.getLocalPort());
            TransportConsumeResponse plainConsumer = consume(plain.getId(), producerId,
                    worker.routerCapabilities(routerId))
                    .as(TransportConsumeResponse.parser());

            for (int seq = 1; seq <= 20; seq++) {
                sender.sendRtp(0x1234, seq, 1000, false);
            }

            await().atMost(WAIT).until(() -> receiver.srtpPacketsReceived() >= 20);
            assertThat(worker.consumerStats(webRtcConsumer.getConsumerId()).getStats().getPacketsSent()).isEqualTo(20);
            plainReceiver.setSoTimeout(5000);
            java.net.DatagramPacket datagram = new java.net.DatagramPacket(new byte[1500], 1500);
            plainReceiver.receive(datagram);
            io.netty.buffer.ByteBuf received = io.netty.buffer.Unpooled.wrappedBuffer(datagram.getData(), 0,
                    datagram.getLength());
            io.sluice.worker.rtp.RtpPacket packet = new io.sluice.worker.rtp.RtpPacket();
            assertThat(packet.wrap(received)).isTrue();
            assertThat(packet.ssrc()).isEqualTo(
                    Integer.toUnsignedLong(plainConsumer.getRtpParameters().getEncodings(0).getSsrc()));
            assertThat(packet.payloadType()).isEqualTo(plainConsumer.getRtpParameters().getCodecs(0).getPayloadType());
            assertThat(packet.sequenceNumber()).isEqualTo(1);
            assertThat(packet.payloadLength()).isEqualTo(1000);
            received.release();
            assertThat(client.call(workerId, "transport.dump", TransportDumpRequest.newBuilder()
                    .setTransportId(recvTransport.getId()).build()).as(TransportDumpResponse.parser())
                    .getConsumerIdsList()).containsExactly(webRtcConsumer.getConsumerId());

            client.call(workerId, "transport.close", TransportCloseRequest.newBuilder()
                    .setTransportId(sendTransport.getId()).build());
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.hasProducerClosed()
                    && e.getProducerClosed().getReason() == ProducerClosed.Reason.TRANSPORT_CLOSED
                    && e.getRouterId().equals(routerId)));
            assertThat(routerDump(routerId).getConsumerIdsList()).isEmpty();
        }
    }

    private static WebRtcTransportInfo createWebRtcTransport(String routerId) throws Exception {
        return client.call(workerId, "router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("media").setEnableTcp(false).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static InetSocketAddress udpAddress(WebRtcTransportInfo transport) {
        return new InetSocketAddress(transport.getIceCandidates(0).getAddress(), transport.getIceCandidates(0).getPort());
    }

    /** ICE, then DTLS with the peer as client; returns once SRTP keys exist on both sides. */
    private static void connect(WebRtcTransportInfo transport, WebRtcTestPeer peer) throws Exception {
        peer.sendBindingRequest(transport.getIceParameters().getUsernameFragment(),
                transport.getIceParameters().getPassword(), true);
        assertThat(peer.awaitStunResponse(WAIT).isSuccess()).isTrue();
        client.call(workerId, "transport.connect", TransportConnectRequest.newBuilder()
                .setTransportId(transport.getId())
                .setDtlsParameters(DtlsParameters.newBuilder().setRole(DtlsRole.CLIENT)
                        .addFingerprints(DtlsFingerprint.newBuilder().setAlgorithm("sha-256")
                                .setValue(peer.fingerprint().value())))
                .build()).as(TransportConnectResponse.parser());
        DtlsFingerprint local = transport.getDtlsParameters().getFingerprintsList().stream()
                .filter(f -> f.getAlgorithm().equals("sha-256")).findFirst().orElseThrow();
        peer.startDtls(io.sluice.worker.dtls.DtlsRole.CLIENT,
                io.sluice.worker.dtls.DtlsFingerprint.parse(local.getAlgorithm(), local.getValue()));
        peer.awaitDtlsConnected(WAIT);
        await().atMost(WAIT).until(() -> client.call(workerId, "transport.getStats", TransportGetStatsRequest.newBuilder()
                .setTransportId(transport.getId()).build()).as(TransportGetStatsResponse.parser()).getStats()
                .getDtlsState() == DtlsState.DTLS_CONNECTED);
    }
}
