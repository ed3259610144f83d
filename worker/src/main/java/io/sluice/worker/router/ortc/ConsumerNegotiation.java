package io.sluice.worker.router.ortc;

import io.sluice.api.v1.RtcpFeedback;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.RtxParameters;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** A producer's consumable RTP parameters against a consuming endpoint (mediasoup's consumer half of ortc). */
final class ConsumerNegotiation {

    private ConsumerNegotiation() {}

    static boolean canConsume(RtpParameters consumable, RtpCapabilities remote) {
        Optional<RtpCodecParameters> first = consumable.getCodecsList().stream()
                .filter(codec -> remoteCodecFor(codec, remote).isPresent())
                .findFirst();
        return first.isPresent() && !CodecMatcher.isRtx(first.get().getMimeType());
    }

    static RtpParameters consumerParameters(RtpParameters consumable, RtpCapabilities remote, boolean pipe,
            boolean enableRtx, RandomGenerator random) throws SluiceException {
        List<RtpCodecParameters> codecs = new ArrayList<>();
        for (RtpCodecParameters codec : consumable.getCodecsList()) {
            if (!enableRtx && CodecMatcher.isRtx(codec.getMimeType())) {
                continue;
            }
            Optional<RtpCodecCapability> remoteCodec = remoteCodecFor(codec, remote);
            if (remoteCodec.isEmpty()) {
                continue;
            }
            // Without RTX there is nothing to answer a generic NACK with (RFC 4588 section 1).
            List<RtcpFeedback> feedback = remoteCodec.get().getRtcpFeedbackList().stream()
                    .filter(fb -> enableRtx || !fb.getType().equals("nack") || !fb.getParameter().isEmpty())
                    .toList();
            codecs.add(codec.toBuilder().clearRtcpFeedback().addAllRtcpFeedback(feedback).build());
        }
        boolean rtxSupported = false;
        for (int i = codecs.size() - 1; i >= 0; i--) {
            RtpCodecParameters codec = codecs.get(i);
            if (!CodecMatcher.isRtx(codec.getMimeType())) {
                continue;
            }
            long apt = CodecParameters.intValue(codec.getParametersMap(), CodecParameters.APT).orElse(-1);
            if (codecs.stream().anyMatch(media -> media.getPayloadType() == apt)) {
                rtxSupported = true;
            } else {
                codecs.remove(i);
            }
        }
        if (codecs.isEmpty() || CodecMatcher.isRtx(codecs.get(0).getMimeType())) {
            throw SluiceException.unsupported("rtp_capabilities", "no compatible media codecs");
        }
        List<RtpHeaderExtensionParameters> extensions = consumable.getHeaderExtensionsList().stream()
                .filter(extension -> remote.getHeaderExtensionsList().stream().anyMatch(capability ->
                        capability.getPreferredId() == extension.getId() && capability.getUri().equals(extension.getUri())))
                .toList();
        codecs = reduceCongestionControlFeedback(codecs, extensions);

        RtpParameters.Builder consumer = RtpParameters.newBuilder()
                .addAllCodecs(codecs)
                .addAllHeaderExtensions(extensions)
                .setRtcp(consumable.getRtcp())
                .setMsid(consumable.getMsid());
        if (pipe) {
            addPipeEncodings(consumer, consumable.getEncodingsList(), rtxSupported, random);
        } else {
            consumer.addEncodings(singleEncoding(consumable.getEncodingsList(), rtxSupported, random));
        }
        return consumer.build();
    }

    /**
     * One bandwidth estimator per consumer: transport-cc when the transport-wide sequence number
     * extension is negotiated, else REMB with abs-send-time, else neither.
     */
    private static List<RtpCodecParameters> reduceCongestionControlFeedback(
            List<RtpCodecParameters> codecs, List<RtpHeaderExtensionParameters> extensions) {
        Predicate<String> negotiated = uri -> extensions.stream().anyMatch(extension -> extension.getUri().equals(uri));
        Predicate<RtcpFeedback> keep;
        if (negotiated.test(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01)) {
            keep = fb -> !fb.getType().equals("goog-remb");
        } else if (negotiated.test(RtpHeaderExtensionUris.ABS_SEND_TIME)) {
            keep = fb -> !fb.getType().equals("transport-cc");
        } else {
            keep = fb -> !fb.getType().equals("transport-cc") && !fb.getType().equals("goog-remb");
        }
        return codecs.stream()
                .map(codec -> codec.toBuilder().clearRtcpFeedback()
                        .addAllRtcpFeedback(codec.getRtcpFeedbackList().stream().filter(keep).toList())
                        .build())
                .toList();
    }

    /**
     * A regular consumer receives one stream whatever the producer sends: simulcast encodings
     * become the spatial layers of one scalability mode ("L{encodings}T{temporal layers}"), and
     * its bitrate cap is the highest of the producer's encodings.
     */
    private static RtpEncodingParameters singleEncoding(List<RtpEncodingParameters> consumableEncodings,
            boolean rtxSupported, RandomGenerator random) {
        long ssrc = ProducerNegotiation.randomSsrc(random);
        RtpEncodingParameters.Builder encoding = RtpEncodingParameters.newBuilder().setSsrc((int) ssrc);
        if (rtxSupported) {
            encoding.setRtx(RtxParameters.newBuilder().setSsrc((int) (ssrc + 1)));
        }
        String scalabilityMode = consumableEncodings.stream()
                .map(RtpEncodingParameters::getScalabilityMode)
                .filter(mode -> !mode.isEmpty())
                .findFirst()
                .orElse("");
        if (consumableEncodings.size() > 1) {
            int temporalLayers = ScalabilityMode.parseOrNone(scalabilityMode).temporalLayers();
            scalabilityMode = "L" + consumableEncodings.size() + "T" + temporalLayers;
        }
        encoding.setScalabilityMode(scalabilityMode);
        consumableEncodings.stream()
                .filter(RtpEncodingParameters::hasMaxBitrate)
                .mapToLong(candidate -> Integer.toUnsignedLong(candidate.getMaxBitrate()))
                .max()
                .ifPresent(maxBitrate -> encoding.setMaxBitrate((int) maxBitrate));
        return encoding.build();
    }

    /** A pipe consumer relays every encoding as is, under fresh SSRCs counted up from random bases. */
    private static void addPipeEncodings(RtpParameters.Builder consumer, List<RtpEncodingParameters> consumableEncodings,
            boolean rtxSupported, RandomGenerator random) {
        long baseSsrc = ProducerNegotiation.randomSsrc(random);
        long baseRtxSsrc = ProducerNegotiation.randomSsrc(random);
        for (int i = 0; i < consumableEncodings.size(); i++) {
            RtpEncodingParameters.Builder encoding = consumableEncodings.get(i).toBuilder().setSsrc((int) (baseSsrc + i));
            if (rtxSupported) {
                encoding.setRtx(RtxParameters.newBuilder().setSsrc((int) (baseRtxSsrc + i)));
            } else {
                encoding.clearRtx();
            }
            consumer.addEncodings(encoding);
        }
    }

    private static Optional<RtpCodecCapability> remoteCodecFor(RtpCodecParameters codec, RtpCapabilities remote) {
        return remote.getCodecsList().stream()
                .filter(capability -> CodecMatcher.matches(capability, codec, true))
                .findFirst();
    }
}
