package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtpCodecParameters;
import io.sluice.worker.router.parameters.RtpEncodingParameters;
import io.sluice.worker.router.parameters.RtpHeaderExtensionParameters;
import io.sluice.worker.router.parameters.RtpParameters;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Checks RTP parameters (a producer's, or ones Sluice generated) as mediasoup's
 * validateRtpParameters and its worker's RtpParameters do, and normalizes them: audio codecs
 * without channels get 1, and parameters without encodings get one empty encoding.
 */
final class RtpParametersValidator {

    /** RFC 8285 section 4.2 (one-byte ids 1-14) and 4.3 (two-byte ids 1-255). */
    private static final int MAX_EXTENSION_ID = 255;

    private RtpParametersValidator() {}

    static RtpParameters validate(RtpParameters parameters, String path) throws SluiceException {
        List<RtpCodecParameters> normalizedCodecs = new ArrayList<>(parameters.codecs().size());
        List<RtpCodecParameters> codecs = parameters.codecs();
        if (codecs.isEmpty()) {
            throw SluiceException.invalid(path + ".codecs", "RTP parameters need at least one codec");
        }
        Map<Integer, RtpCodecParameters> byPayloadType = new HashMap<>();
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodecParameters codec = codecs.get(i);
            String codecPath = path + ".codecs[" + i + "]";
            normalizedCodecs.add(validateCodec(codec, codecPath));
            if (byPayloadType.putIfAbsent(codec.payloadType(), codec) != null) {
                throw SluiceException.invalid(codecPath + ".payload_type",
                        "duplicated payload type " + codec.payloadType());
            }
        }
        // Every RTX codec must repair a media codec, so a list of only RTX codecs fails here too.
        for (int i = 0; i < codecs.size(); i++) {
            checkRtxTarget(codecs.get(i), byPayloadType, path + ".codecs[" + i + "]");
        }
        checkHeaderExtensions(parameters.headerExtensions(), path + ".header_extensions");
        List<RtpEncodingParameters> encodings = parameters.encodings().isEmpty()
                ? List.of(RtpEncodingParameters.EMPTY)
                : parameters.encodings();
        checkEncodings(encodings, parameters.mid(), byPayloadType, path + ".encodings");
        return parameters.withCodecs(normalizedCodecs).withEncodings(encodings);
    }

    private static RtpCodecParameters validateCodec(RtpCodecParameters codec, String path) throws SluiceException {
        MediaKind kind = MediaCodecValidator.kindOfMimeType(codec.mimeType(), path + ".mime_type");
        MediaCodecValidator.checkPayloadType(Integer.toUnsignedLong(codec.payloadType()), path + ".payload_type");
        if (codec.clockRate() == 0) {
            throw SluiceException.invalid(path + ".clock_rate", "missing clock rate");
        }
        RtpCodecParameters normalized = codec;
        if (kind == MediaKind.AUDIO) {
            if (codec.hasChannels() && codec.channels() == 0) {
                throw SluiceException.invalid(path + ".channels", "an audio codec has at least one channel");
            }
            normalized = codec.withChannels(codec.hasChannels() ? codec.channels() : 1);
        } else if (codec.hasChannels()) {
            throw SluiceException.invalid(path + ".channels", "channels is for audio codecs only");
        }
        for (Map.Entry<String, ParameterValue> entry : codec.parameters().entrySet()) {
            if (!entry.getValue().hasValue()) {
                throw SluiceException.invalid(path + ".parameters." + entry.getKey(), "parameter has no value");
            }
        }
        ParameterValue apt = codec.parameters().get(CodecParameters.APT);
        if (apt != null && !apt.hasIntValue()) {
            // mediasoup-client rejects a non-numeric apt in any codec.
            throw SluiceException.invalid(path + ".parameters.apt", "apt must be a number");
        }
        for (int i = 0; i < codec.rtcpFeedback().size(); i++) {
            if (codec.rtcpFeedback().get(i).type().isEmpty()) {
                throw SluiceException.invalid(path + ".rtcp_feedback[" + i + "].type", "missing feedback type");
            }
        }
        return normalized;
    }

    /** RTX (RFC 4588 section 8.6) must name, in apt, a media codec of the same parameters. */
    private static void checkRtxTarget(RtpCodecParameters codec, Map<Integer, RtpCodecParameters> byPayloadType,
            String path) throws SluiceException {
        if (!CodecMatcher.isRtx(codec.mimeType())) {
            return;
        }
        OptionalLong apt = CodecParameters.intValue(codec.parameters(), CodecParameters.APT);
        if (apt.isEmpty()) {
            throw SluiceException.invalid(path + ".parameters.apt", "an RTX codec needs apt");
        }
        RtpCodecParameters target = apt.getAsLong() >= 0 && apt.getAsLong() <= MediaCodecValidator.MAX_PAYLOAD_TYPE
                ? byPayloadType.get((int) apt.getAsLong())
                : null;
        if (target == null) {
            throw SluiceException.invalid(path + ".parameters.apt", "apt " + apt.getAsLong() + " names no codec");
        }
        if (CodecMatcher.isRtx(target.mimeType())) {
            throw SluiceException.invalid(path + ".parameters.apt", "apt " + apt.getAsLong() + " names an RTX codec");
        }
    }

    private static void checkHeaderExtensions(List<RtpHeaderExtensionParameters> extensions, String path)
            throws SluiceException {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < extensions.size(); i++) {
            RtpHeaderExtensionParameters extension = extensions.get(i);
            String extensionPath = path + "[" + i + "]";
            if (extension.uri().isEmpty()) {
                throw SluiceException.invalid(extensionPath + ".uri", "missing header extension URI");
            }
            int id = extension.id();
            if (id == 0 || Integer.toUnsignedLong(id) > MAX_EXTENSION_ID) {
                throw SluiceException.invalid(extensionPath + ".id",
                        "header extension id " + Integer.toUnsignedString(id) + " is outside 1-255 (RFC 8285 section 4)");
            }
            if (!ids.add(id)) {
                throw SluiceException.invalid(extensionPath + ".id", "duplicated header extension id " + id);
            }
        }
    }

    private static void checkEncodings(List<RtpEncodingParameters> encodings, String mid,
            Map<Integer, RtpCodecParameters> byPayloadType, String path) throws SluiceException {
        for (int i = 0; i < encodings.size(); i++) {
            RtpEncodingParameters encoding = encodings.get(i);
            String encodingPath = path + "[" + i + "]";
            if (encoding.hasCodecPayloadType()) {
                RtpCodecParameters codec = byPayloadType.get(encoding.codecPayloadType());
                if (codec == null || CodecMatcher.isRtx(codec.mimeType())) {
                    throw SluiceException.invalid(encodingPath + ".codec_payload_type",
                            "codec payload type " + encoding.codecPayloadType() + " names no media codec");
                }
            }
            boolean identified = encoding.hasSsrc() || !encoding.rid().isEmpty();
            // Without an SSRC or rid, only a single encoding found by the BUNDLE mid can be told apart.
            if (!identified && (encodings.size() > 1 || mid.isEmpty())) {
                throw SluiceException.invalid(encodingPath,
                        encodings.size() > 1
                                ? "with several encodings each needs an ssrc or a rid"
                                : "an encoding needs an ssrc or a rid when there is no mid");
            }
            if (!encoding.scalabilityMode().isEmpty()) {
                ScalabilityMode mode = ScalabilityMode.parse(encoding.scalabilityMode())
                        .orElseThrow(() -> SluiceException.invalid(encodingPath + ".scalability_mode",
                                "unknown scalability mode " + encoding.scalabilityMode()));
                if (mode.spatialLayers() > 1 && encodings.size() > 1) {
                    throw SluiceException.invalid(encodingPath + ".scalability_mode",
                            "simulcast encodings cannot also have several spatial layers");
                }
            }
        }
    }
}
