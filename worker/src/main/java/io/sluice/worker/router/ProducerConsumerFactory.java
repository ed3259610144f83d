package io.sluice.worker.router;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpEncodingParameters;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.bwe.TransportCongestionControlServer;
import io.sluice.worker.router.ortc.Ortc;
import io.sluice.worker.router.ortc.RtpHeaderExtensionUris;
import io.sluice.worker.router.ortc.RtpMapping;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.Map;

/**
 * transport.produce and transport.consume: checks the parameters and negotiates them against the
 * router before anything is created, so a refusal leaves nothing behind; makes each transport's
 * {@link TransportMedia} (with its RTCP reports and congestion feedback) when it first carries
 * media. The {@link Worker} registers what this makes with its owners. On the worker's loop.
 */
final class ProducerConsumerFactory {

    private final EventLoop loop;
    private final Clock clock;
    private final RtcpScheduler.ScoreListener scores;
    private final LayeredConsumer.LayersListener layers;
    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final RandomGenerator random = new SecureRandom();

    /** @param clock the media timers' monotonic time and the NTP time of sender reports */
    ProducerConsumerFactory(EventLoop loop, Clock clock, RtcpScheduler.ScoreListener scores,
            LayeredConsumer.LayersListener layers) {
        this.loop = loop;
        this.clock = clock;
        this.scores = scores;
        this.layers = layers;
    }

    /** The transport's media, made (and its RTCP reports started) on first use. */
    TransportMedia mediaOf(Transport transport) {
        TransportMedia existing = transport.media();
        if (existing != null) {
            return existing;
        }
        TransportMedia media = new TransportMedia(transport);
        long localSsrc = random.nextLong() & 0xFFFFFFFFL;
        RtcpScheduler reports = new RtcpScheduler(media, clock, allocator, localSsrc, transport.id(), scores);
        media.setCongestionControlServer(new TransportCongestionControlServer(transport, allocator, localSsrc), clock);
        media.setRtcpScheduler(reports);
        switch (transport) {
            case WebRtcTransport webRtc -> {
                webRtc.attachMedia(media);
                media.setBitrateAllocation(new TransportBitrateAllocation(webRtc, media, clock, allocator, loop, localSsrc));
            }
            case PlainTransport plain -> plain.attachMedia(media);
            case PipeTransport pipe -> pipe.attachMedia(media);
        }
        reports.start(loop, random);
        return media;
    }

    /** A producer on {@code transport}, not yet registered anywhere. */
    Producer produce(Transport transport, MediaKind kind, RtpParameters rtpParameters, boolean paused,
            Map<String, String> appData) throws SluiceException {
        return produce(transport, UUID.randomUUID().toString(), kind, rtpParameters, paused, appData);
    }

    /** A producer under {@code id} (a piped producer's, at the other end of its pipe), not yet registered anywhere. */
    Producer produce(Transport transport, String id, MediaKind kind, RtpParameters rtpParameters, boolean paused,
            Map<String, String> appData) throws SluiceException {
        Router router = transport.router();
        if (kind == null) {
            throw SluiceException.invalid("kind", "kind must be AUDIO or VIDEO");
        }
        RtpParameters parameters = Ortc.validateRtpParameters(rtpParameters);
        String prefix = kind == MediaKind.AUDIO ? "audio/" : "video/";
        for (int i = 0; i < parameters.codecs().size(); i++) {
            RtpCodecParameters codec = parameters.codecs().get(i);
            if (!codec.mimeType().toLowerCase(Locale.ROOT).startsWith(prefix)) {
                throw SluiceException.invalid("rtp_parameters.codecs[" + i + "].mime_type",
                        codec.mimeType() + " is not a " + prefix + " codec");
            }
        }
        TransportMedia media = mediaOf(transport);
        for (int i = 0; i < parameters.encodings().size(); i++) {
            RtpEncodingParameters encoding = parameters.encodings().get(i);
            if (encoding.hasSsrc() && media.receivesSsrc(Integer.toUnsignedLong(encoding.ssrc()))) {
                throw new SluiceException(SluiceException.Code.ALREADY_EXISTS, "ssrc "
                        + Integer.toUnsignedString(encoding.ssrc())
                        + " is already received by another producer of this transport",
                        "rtp_parameters.encodings[" + i + "].ssrc");
            }
        }
        RtpMapping mapping = Ortc.getProducerRtpParametersMapping(parameters, router.rtpCapabilities(), random);
        RtpParameters consumable = Ortc.getConsumableRtpParameters(kind, parameters, router.rtpCapabilities(), mapping);
        return new Producer(id, kind, transport, parameters, mapping, consumable, paused, appData, router.media(),
                clock, allocator);
    }

    /** A consumer of {@code producer} on {@code transport}, not yet registered anywhere. */
    /**
     * @param capabilities what the consuming endpoint can receive; null when the request gave none
     * @param preferred the layers asked for, or null
     */
    Consumer consume(Transport transport, Producer producer, RtpCapabilities capabilities, ConsumerLayers preferred,
            boolean paused, Map<String, String> appData) throws SluiceException {
        if (capabilities == null) {
            throw SluiceException.invalid("rtp_capabilities", "rtp_capabilities are required");
        }
        RtpParameters consumable = producer.consumableRtpParameters();
        if (!Ortc.canConsume(consumable, capabilities)) {
            throw SluiceException.unsupported("rtp_capabilities",
                    "the endpoint cannot receive any media codec of producer " + producer.id());
        }
        // RTX and NACK are offered: the consumer answers NACKs from its retransmission buffer.
        // Each consumer gets its own MID on its transport, as mediasoup numbers them: without one,
        // mediasoup-client numbers overlapping consumes alike ("Duplicate a=mid").
        RtpParameters parameters = Ortc.getConsumerRtpParameters(consumable, capabilities, false,
                true, random).withMid(mediaOf(transport).nextConsumerMid());
        String id = UUID.randomUUID().toString();
        // mediasoup: the consumer's type is its producer's.
        Consumer consumer = switch (producer.type()) {
            case SIMPLE -> new SimpleConsumer(id, producer, transport, parameters, paused, appData, clock, allocator);
            case SIMULCAST -> new SimulcastConsumer(id, producer, transport, parameters, paused, appData, clock,
                    allocator, preferred);
            case SVC -> new SvcConsumer(id, producer, transport, parameters, paused, appData, clock, allocator,
                    preferred);
        };
        if (consumer instanceof LayeredConsumer layered) {
            layered.setLayersListener(layers);
        }
        return consumer;
    }

    /**
     * A pipe consumer of {@code producer} on {@code pipe}: every encoding under fresh SSRCs, with
     * the router's own codecs and header extensions (as mediasoup's getPipeConsumerRtpParameters),
     * less what only a bandwidth estimator needs (transport-cc, abs-send-time, REMB); NACK and RTX
     * when the pipe has RTX. Not yet registered anywhere.
     */
    PipeConsumer consumePipe(PipeTransport pipe, Producer producer, Map<String, String> appData)
            throws SluiceException {
        RtpParameters piped = Ortc.getConsumerRtpParameters(producer.consumableRtpParameters(),
                pipe.router().rtpCapabilities(), true, pipe.rtx(), random);
        List<RtpHeaderExtensionParameters> extensions = piped.headerExtensions().stream()
                .filter(extension -> !extension.uri().equals(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01)
                        && !extension.uri().equals(RtpHeaderExtensionUris.ABS_SEND_TIME))
                .toList();
        List<RtpCodecParameters> codecs = piped.codecs().stream()
                .map(codec -> codec.withRtcpFeedback(codec.rtcpFeedback().stream()
                        .filter(fb -> !fb.type().equals("transport-cc") && !fb.type().equals("goog-remb"))
                        .toList()))
                .toList();
        RtpParameters pipeParameters = new RtpParameters(piped.mid(), codecs, extensions, piped.encodings(),
                piped.rtcp(), piped.msid());
        int encodings = pipeParameters.encodings().size();
        ConsumerSendStream[] others = new ConsumerSendStream[encodings - 1];
        for (int i = 1; i < encodings; i++) {
            RtpParameters single = pipeParameters.withEncodings(List.of(pipeParameters.encodings().get(i)));
            others[i - 1] = new ConsumerSendStream(pipe, allocator, single, producer);
        }
        return new PipeConsumer(UUID.randomUUID().toString(), producer, pipe, pipeParameters, others, appData, clock,
                allocator);
    }
}
