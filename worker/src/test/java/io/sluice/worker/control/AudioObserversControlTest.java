package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.AudioLevelObserverVolume;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.PlainTransportInfo;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RouterCreateActiveSpeakerObserverRequest;
import io.sluice.api.v1.RouterCreateActiveSpeakerObserverResponse;
import io.sluice.api.v1.RouterCreateAudioLevelObserverRequest;
import io.sluice.api.v1.RouterCreateAudioLevelObserverResponse;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpObserverAddProducerRequest;
import io.sluice.api.v1.RtpObserverAddProducerResponse;
import io.sluice.api.v1.RtpObserverDumpRequest;
import io.sluice.api.v1.RtpObserverDumpResponse;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.testsupport.ExternalTool;
import io.sluice.worker.testsupport.ManagedProcess;
import io.sluice.worker.testsupport.Patience;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active speaker and audio level observers end to end on a real worker over NATS: two ffmpeg
 * processes encode Opus (RTP, 20 ms packets) towards the worker's plain transports through a
 * relay of the test's that writes the ssrc-audio-level element (RFC 6464, RFC 8285 one-byte form)
 * into each packet at the level the test chooses, since ffmpeg cannot. The dominant speaker event
 * names the louder producer and changes when the levels swap; "volumes" lists the producers above
 * the threshold; "silence" follows when both fall quiet. Typed errors and dumps on the way.
 */
@ExtendWith(SharedWorker.class)
class AudioObserversControlTest {

    private static final Duration WAIT = Patience.WAIT;
    /** The extension id the senders' parameters declare (as Chromium's a=extmap does). */
    private static final int AUDIO_LEVEL_ID = 1;
    /** Talk spurts: 800 ms around -10 dBov, then 200 ms at -70 dBov, over and over. */
    private static final IntUnaryOperator SPEAKING = packet -> packet % 50 < 40 ? 10 + packet % 3 : 70;
    /** A quiet room: -90 dBov and a little variation. */
    private static final IntUnaryOperator QUIET = packet -> 90 + packet % 3;
    private static final IntUnaryOperator SILENT = packet -> 127;

    private static RunningWorker worker;
    private static ControlClient client;
    private static String workerId;
    private final List<ManagedProcess> ffmpegs = new ArrayList<>();
    private final LoopbackUdp udp = new LoopbackUdp();

    @TempDir
    Path dir;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
        client = worker.client;
        workerId = worker.workerId;
    }

    @AfterEach
    void stop() throws InterruptedException {
        ffmpegs.forEach(ManagedProcess::stop);
        udp.close();
    }

    /** Forwards ffmpeg's RTP to the transport with the level {@code voice} gives each packet; drops its RTCP. */
    private static final class LevelWriter {
        volatile IntUnaryOperator voice = SILENT;
        private int packets;

        byte[] rewrite(byte[] rtp) {
            int csrcBytes = 4 * (rtp[0] & 0x0f);
            int header = 12 + csrcBytes;
            byte[] out = new byte[rtp.length + 8];
            System.arraycopy(rtp, 0, out, 0, header);
            out[0] |= 0x10; // RFC 3550 §5.1: X, a header extension follows the CSRCs
            int level = voice.applyAsInt(packets++);
            byte[] extension = {
                (byte) 0xbe, (byte) 0xde, 0x00, 0x01,                   // RFC 8285 §4.2, one 32-bit word
                (byte) (AUDIO_LEVEL_ID << 4), (byte) (0x80 | level), 0, 0 // L=0: one byte, V=1 and the level; padding
            };
            System.arraycopy(extension, 0, out, header, 8);
            System.arraycopy(rtp, header, out, header + 8, rtp.length - header);
            return out;
        }
    }

    private LevelWriter relay(PlainTransportInfo transport, int ssrc) throws Exception {
        LevelWriter writer = new LevelWriter();
        DatagramSocket socket = udp.socket();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", transport.getTuple().getLocalPort());
        udp.onDatagrams("relay-" + ssrc, socket, (datagram, from) -> {
            int secondByte = datagram[1] & 0xff;
            if (secondByte >= 192 && secondByte <= 223) {
                return; // RFC 5761 §4: RTCP, which the test does not need
            }
            byte[] rewritten = writer.rewrite(datagram);
            socket.send(new DatagramPacket(rewritten, rewritten.length, target));
        });
        Path ffmpeg = ExternalTool.require("ffmpeg", "ffmpeg");
        ManagedProcess sender = new ManagedProcess(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y",
                "-re", "-t", "120", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-ac", "2",
                "-c:a", "libopus", "-b:a", "32k", "-vn", "-ssrc", String.valueOf(ssrc), "-payload_type", "111",
                "-f", "rtp", "rtp://127.0.0.1:" + socket.getLocalPort()), dir.resolve("ffmpeg-" + ssrc + ".log")).start();
        ffmpegs.add(sender);
        return writer;
    }

    private static RtpParameters opus(int ssrc) {
        return RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("audio/opus").setPayloadType(111)
                        .setClockRate(48000).setChannels(2))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(ssrc))
                .addHeaderExtensions(RtpHeaderExtensionParameters.newBuilder()
                        .setUri("urn:ietf:params:rtp-hdrext:ssrc-audio-level").setId(AUDIO_LEVEL_ID))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg"))
                .build();
    }

    private static ControlClient.Reply addProducer(String observerId, String producerId) throws Exception {
        return client.call(workerId, "rtpObserver.addProducer", RtpObserverAddProducerRequest.newBuilder()
                .setRtpObserverId(observerId).setProducerId(producerId).build());
    }

    private static List<Event> eventsOf(String routerId, Predicate<Event> which) {
        return worker.events.stream().filter(event -> event.getRouterId().equals(routerId)).filter(which).toList();
    }

    private static List<String> dominantSpeakers(String routerId) {
        return eventsOf(routerId, Event::hasRtpObserverDominantSpeaker).stream()
                .map(event -> event.getRtpObserverDominantSpeaker().getProducerId()).toList();
    }

    private static List<List<String>> volumes(String routerId) {
        return eventsOf(routerId, Event::hasRtpObserverVolumes).stream()
                .map(event -> event.getRtpObserverVolumes().getVolumesList().stream()
                        .map(AudioLevelObserverVolume::getProducerId).toList())
                .toList();
    }

    @Test
    void theDominantSpeakerIsTheLouderOneAndChangesWhenTheLevelsSwap() throws Exception {
        String routerId = worker.createRouter("observers-room");
        PlainTransportInfo aliceTransport = worker.createPlainTransport(routerId, true);
        PlainTransportInfo bobTransport = worker.createPlainTransport(routerId, true);
        String alice = worker.produce(aliceTransport.getId(), MediaKind.AUDIO, opus(0x0a11ce));
        String bob = worker.produce(bobTransport.getId(), MediaKind.AUDIO, opus(0x0b0b));
        String activeSpeaker = client.call(workerId, "router.createActiveSpeakerObserver",
                RouterCreateActiveSpeakerObserverRequest.newBuilder().setRouterId(routerId).build())
                .as(RouterCreateActiveSpeakerObserverResponse.parser()).getRtpObserverId();
        String audioLevel = client.call(workerId, "router.createAudioLevelObserver",
                RouterCreateAudioLevelObserverRequest.newBuilder().setRouterId(routerId).setMaxEntries(2)
                        .setThreshold(-60).setInterval(500).build())
                .as(RouterCreateAudioLevelObserverResponse.parser()).getRtpObserverId();
        for (String observer : List.of(activeSpeaker, audioLevel)) {
            addProducer(observer, alice).as(RtpObserverAddProducerResponse.parser());
            addProducer(observer, bob).as(RtpObserverAddProducerResponse.parser());
        }
        LevelWriter aliceVoice = relay(aliceTransport, 0x0a11ce);
        LevelWriter bobVoice = relay(bobTransport, 0x0b0b);

        // Bob speaks, Alice is quiet: Bob dominates (after Alice, added first, was nominated).
        aliceVoice.voice = QUIET;
        bobVoice.voice = SPEAKING;
        await().atMost(WAIT).until(() -> dominantSpeakers(routerId).contains(bob));
        await().atMost(WAIT).until(() -> volumes(routerId).contains(List.of(bob)));
        assertThat(volumes(routerId)).allSatisfy(listed -> assertThat(listed).doesNotContain(alice));
        RtpObserverDumpResponse dump = client.call(workerId, "rtpObserver.dump",
                RtpObserverDumpRequest.newBuilder().setRtpObserverId(activeSpeaker).build())
                .as(RtpObserverDumpResponse.parser());
        assertThat(dump.getType()).isEqualTo("activespeaker");
        assertThat(dump.getInterval()).isEqualTo(300);
        assertThat(dump.getProducerIdsList()).containsExactly(alice, bob);
        assertThat(dump.getDominantProducerId()).isEqualTo(bob);

        // They swap: Alice takes over.
        int before = dominantSpeakers(routerId).size();
        int volumesBefore = volumes(routerId).size();
        aliceVoice.voice = SPEAKING;
        bobVoice.voice = QUIET;
        await().atMost(WAIT).until(() -> dominantSpeakers(routerId).size() > before);
        assertThat(dominantSpeakers(routerId).subList(before, dominantSpeakers(routerId).size())).containsExactly(alice);
        await().atMost(WAIT).until(() -> volumes(routerId).subList(volumesBefore, volumes(routerId).size())
                .contains(List.of(alice)));

        // Both fall silent: the audio level observer says so once.
        aliceVoice.voice = SILENT;
        bobVoice.voice = SILENT;
        await().atMost(WAIT).until(() -> !eventsOf(routerId, Event::hasRtpObserverSilence).isEmpty());

        assertThat(client.call(workerId, "worker.dump", WorkerDumpRequest.getDefaultInstance())
                .as(WorkerDumpResponse.parser()).getRtpObserverIdsList()).contains(activeSpeaker, audioLevel);
        client.call(workerId, "router.close", RouterCloseRequest.newBuilder().setRouterId(routerId).build());
        assertThat(client.call(workerId, "rtpObserver.dump",
                RtpObserverDumpRequest.newBuilder().setRtpObserverId(activeSpeaker).build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void badOptionsUnknownIdsAndVideoProducersGetTypedErrors() throws Exception {
        String routerId = worker.createRouter("observers-errors");
        PlainTransportInfo transport = worker.createPlainTransport(routerId, true);
        String video = worker.produce(transport.getId(), MediaKind.VIDEO, RtpParameters.newBuilder()
                .addCodecs(RtpCodecParameters.newBuilder().setMimeType("video/VP8").setPayloadType(101)
                        .setClockRate(90000))
                .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(0x71de0))
                .setRtcp(RtcpParameters.newBuilder().setCname("ffmpeg")).build());
        String otherRouter = worker.createRouter("observers-other");
        String foreign = worker.produce(worker.createPlainTransport(otherRouter, true).getId(), MediaKind.AUDIO,
                opus(0x0f0f));

        ControlClient.Reply tooFast = client.call(workerId, "router.createActiveSpeakerObserver",
                RouterCreateActiveSpeakerObserverRequest.newBuilder().setRouterId(routerId).setInterval(50).build());
        assertThat(tooFast.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(tooFast.error().getField()).isEqualTo("interval");
        ControlClient.Reply loudThreshold = client.call(workerId, "router.createAudioLevelObserver",
                RouterCreateAudioLevelObserverRequest.newBuilder().setRouterId(routerId).setThreshold(10).build());
        assertThat(loudThreshold.error().getField()).isEqualTo("threshold");
        ControlClient.Reply noEntries = client.call(workerId, "router.createAudioLevelObserver",
                RouterCreateAudioLevelObserverRequest.newBuilder().setRouterId(routerId).setMaxEntries(0).build());
        assertThat(noEntries.error().getField()).isEqualTo("max_entries");
        assertThat(client.call(workerId, "router.createAudioLevelObserver",
                RouterCreateAudioLevelObserverRequest.newBuilder().setRouterId("no-such-router").build()).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        RouterDumpResponse refused = client.call(workerId, "router.dump",
                RouterDumpRequest.newBuilder().setRouterId(routerId).build()).as(RouterDumpResponse.parser());
        assertThat(refused.getRtpObserverIdsList()).as("refused requests leave nothing").isEmpty();

        String observer = client.call(workerId, "router.createAudioLevelObserver",
                RouterCreateAudioLevelObserverRequest.newBuilder().setRouterId(routerId).build())
                .as(RouterCreateAudioLevelObserverResponse.parser()).getRtpObserverId();
        ControlClient.Reply videoReply = addProducer(observer, video);
        assertThat(videoReply.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(videoReply.error().getField()).isEqualTo("producer_id");
        assertThat(addProducer(observer, "no-such-producer").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(addProducer(observer, foreign).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(addProducer("no-such-observer", video).code()).isEqualTo(ErrorCode.NOT_FOUND);
        RtpObserverDumpResponse dump = client.call(workerId, "rtpObserver.dump",
                RtpObserverDumpRequest.newBuilder().setRtpObserverId(observer).build())
                .as(RtpObserverDumpResponse.parser());
        assertThat(dump.getProducerIdsList()).isEmpty();
        assertThat(dump.getMaxEntries()).isEqualTo(1);
        assertThat(dump.getThreshold()).isEqualTo(-80);
        assertThat(dump.getInterval()).isEqualTo(1000);
    }
}
