package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.RtcpFeedback;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpEncodingParameters;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.parameters.RtxParameters;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/** A producer's consumable RTP parameters against a consuming endpoint (mediasoup's consumer half of ortc). */
final class ConsumerNegotiation {

    private ConsumerNegotiation() {}

    static boolean canConsume(RtpParameters consumable, RtpCapabilities remote) {
        Optional<RtpCodecParameters> first = consumable.codecs().stream()
                .filter(codec -> remoteCodecFor(codec, remote).isPresent())
                .findFirst();
        return first.isPresent() && !CodecMatcher.isRtx(first.get().mimeType());
    }

    static RtpParameters consumerParameters(RtpParameters consumable, RtpCapabilities remote, boolean pipe,
            boolean enableRtx, RandomGenerator random) throws SluiceException {
        List<RtpCodecParameters> codecs = new ArrayList<>();
        for (RtpCodecParameters codec : consumable.codecs()) {
            if (!enableRtx && CodecMatcher.isRtx(codec.mimeType())) {
                continue;
            }
            Optional<RtpCodecCapability> remoteCodec = remoteCodecFor(codec, remote);
            if (remoteCodec.isEmpty()) {
                continue;
            }
            // Without RTX there is nothing to answer a generic NACK with (RFC 4588 section 1).
            List<RtcpFeedback> feedback = remoteCodec.get().rtcpFeedback().stream()
                    .filter(fb -> enableRtx || !fb.type().equals("nack") || !fb.parameter().isEmpty())
                    .toList();
            codecs.add(codec.withRtcpFeedback(feedback));
        }
        boolean rtxSupported = false;
        for (int i = codecs.size() - 1; i >= 0; i--) {
            RtpCodecParameters codec = codecs.get(i);
            if (!CodecMatcher.isRtx(codec.mimeType())) {
                continue;
            }
            long apt = CodecParameters.intValue(codec.parameters(), CodecParameters.APT).orElse(-1);
            if (codecs.stream().anyMatch(media -> media.payloadType() == apt)) {
                rtxSupported = true;
            } else {
                codecs.remove(i);
            }
        }
        if (codecs.isEmpty() || CodecMatcher.isRtx(codecs.get(0).mimeType())) {
            throw SluiceException.unsupported("rtp_capabilities", "no compatible media codecs");
        }
        List<RtpHeaderExtensionParameters> extensions = consumable.headerExtensions().stream()
                .filter(extension -> remote.headerExtensions().stream().anyMatch(capability ->
                        capability.preferredId() == extension.id() && capability.uri().equals(extension.uri())))
                .toList();
        codecs = reduceCongestionControlFeedback(codecs, extensions);

        List<RtpEncodingParameters> encodings = pipe
                ? pipeEncodings(consumable.encodings(), rtxSupported, random)
                : List.of(singleEncoding(consumable.encodings(), rtxSupported, random));
        return new RtpParameters("", codecs, extensions, encodings, consumable.rtcp(), consumable.msid());
    }

    /**
     * One bandwidth estimator per consumer: transport-cc when the transport-wide sequence number
     * extension is negotiated, else REMB with abs-send-time, else neither.
     */
    private static List<RtpCodecParameters> reduceCongestionControlFeedback(
            List<RtpCodecParameters> codecs, List<RtpHeaderExtensionParameters> extensions) {
        Predicate<String> negotiated = uri -> extensions.stream().anyMatch(extension -> extension.uri().equals(uri));
        Predicate<RtcpFeedback> keep;
        if (negotiated.test(RtpHeaderExtensionUris.TRANSPORT_WIDE_CC_01)) {
            keep = fb -> !fb.type().equals("goog-remb");
        } else if (negotiated.test(RtpHeaderExtensionUris.ABS_SEND_TIME)) {
            keep = fb -> !fb.type().equals("transport-cc");
        } else {
            keep = fb -> !fb.type().equals("transport-cc") && !fb.type().equals("goog-remb");
        }
        return codecs.stream()
                .map(codec -> codec.withRtcpFeedback(codec.rtcpFeedback().stream().filter(keep).toList()))
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
        RtxParameters rtx = rtxSupported ? new RtxParameters((int) (ssrc + 1)) : null;
        String scalabilityMode = consumableEncodings.stream()
                .map(RtpEncodingParameters::scalabilityMode)
                .filter(mode -> !mode.isEmpty())
                .findFirst()
                .orElse("");
        if (consumableEncodings.size() > 1) {
            int temporalLayers = ScalabilityMode.parseOrNone(scalabilityMode).temporalLayers();
            scalabilityMode = "L" + consumableEncodings.size() + "T" + temporalLayers;
        }
        OptionalLong maxBitrate = consumableEncodings.stream()
                .filter(RtpEncodingParameters::hasMaxBitrate)
                .mapToLong(candidate -> Integer.toUnsignedLong(candidate.maxBitrate()))
                .max();
        return new RtpEncodingParameters((int) ssrc, "", null, rtx, false, scalabilityMode,
                maxBitrate.isPresent() ? (int) maxBitrate.getAsLong() : null);
    }

    /** A pipe consumer relays every encoding as is, under fresh SSRCs counted up from random bases. */
    private static List<RtpEncodingParameters> pipeEncodings(List<RtpEncodingParameters> consumableEncodings,
            boolean rtxSupported, RandomGenerator random) {
        long baseSsrc = ProducerNegotiation.randomSsrc(random);
        long baseRtxSsrc = ProducerNegotiation.randomSsrc(random);
        List<RtpEncodingParameters> encodings = new ArrayList<>(consumableEncodings.size());
        for (int i = 0; i < consumableEncodings.size(); i++) {
            RtxParameters rtx = rtxSupported ? new RtxParameters((int) (baseRtxSsrc + i)) : null;
            encodings.add(consumableEncodings.get(i).withSsrc((int) (baseSsrc + i)).withRtx(rtx));
        }
        return encodings;
    }

    private static Optional<RtpCodecCapability> remoteCodecFor(RtpCodecParameters codec, RtpCapabilities remote) {
        return remote.codecs().stream()
                .filter(capability -> CodecMatcher.matches(capability, codec, true))
                .findFirst();
    }
}
