package io.sluice.worker.router.ortc;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpHeaderExtensionParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.worker.router.SluiceException;
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
        RtpParameters.Builder normalized = parameters.toBuilder();
        List<RtpCodecParameters> codecs = parameters.getCodecsList();
        if (codecs.isEmpty()) {
            throw SluiceException.invalid(path + ".codecs", "RTP parameters need at least one codec");
        }
        Map<Integer, RtpCodecParameters> byPayloadType = new HashMap<>();
        for (int i = 0; i < codecs.size(); i++) {
            RtpCodecParameters codec = codecs.get(i);
            String codecPath = path + ".codecs[" + i + "]";
            normalized.setCodecs(i, validateCodec(codec, codecPath));
            if (byPayloadType.putIfAbsent(codec.getPayloadType(), codec) != null) {
                throw SluiceException.invalid(codecPath + ".payload_type",
                        "duplicated payload type " + codec.getPayloadType());
            }
        }
        // Every RTX codec must repair a media codec, so a list of only RTX codecs fails here too.
        for (int i = 0; i < codecs.size(); i++) {
            checkRtxTarget(codecs.get(i), byPayloadType, path + ".codecs[" + i + "]");
        }
        checkHeaderExtensions(parameters.getHeaderExtensionsList(), path + ".header_extensions");
        if (parameters.getEncodingsCount() == 0) {
            normalized.addEncodings(RtpEncodingParameters.getDefaultInstance());
        }
        checkEncodings(normalized.getEncodingsList(), parameters.getMid(), byPayloadType, path + ".encodings");
        return normalized.build();
    }

    private static RtpCodecParameters validateCodec(RtpCodecParameters codec, String path) throws SluiceException {
        MediaKind kind = MediaCodecValidator.kindOfMimeType(codec.getMimeType(), path + ".mime_type");
        MediaCodecValidator.checkPayloadType(Integer.toUnsignedLong(codec.getPayloadType()), path + ".payload_type");
        if (codec.getClockRate() == 0) {
            throw SluiceException.invalid(path + ".clock_rate", "missing clock rate");
        }
        RtpCodecParameters.Builder normalized = codec.toBuilder();
        if (kind == MediaKind.AUDIO) {
            if (codec.hasChannels() && codec.getChannels() == 0) {
                throw SluiceException.invalid(path + ".channels", "an audio codec has at least one channel");
            }
            normalized.setChannels(codec.hasChannels() ? codec.getChannels() : 1);
        } else if (codec.hasChannels()) {
            throw SluiceException.invalid(path + ".channels", "channels is for audio codecs only");
        }
        for (Map.Entry<String, ParameterValue> entry : codec.getParametersMap().entrySet()) {
            if (entry.getValue().getValueCase() == ParameterValue.ValueCase.VALUE_NOT_SET) {
                throw SluiceException.invalid(path + ".parameters." + entry.getKey(), "parameter has no value");
            }
        }
        ParameterValue apt = codec.getParametersMap().get(CodecParameters.APT);
        if (apt != null && !apt.hasIntValue()) {
            // mediasoup-client rejects a non-numeric apt in any codec.
            throw SluiceException.invalid(path + ".parameters.apt", "apt must be a number");
        }
        for (int i = 0; i < codec.getRtcpFeedbackCount(); i++) {
            if (codec.getRtcpFeedback(i).getType().isEmpty()) {
                throw SluiceException.invalid(path + ".rtcp_feedback[" + i + "].type", "missing feedback type");
            }
        }
        return normalized.build();
    }

    /** RTX (RFC 4588 section 8.6) must name, in apt, a media codec of the same parameters. */
    private static void checkRtxTarget(RtpCodecParameters codec, Map<Integer, RtpCodecParameters> byPayloadType,
            String path) throws SluiceException {
        if (!CodecMatcher.isRtx(codec.getMimeType())) {
            return;
        }
        OptionalLong apt = CodecParameters.intValue(codec.getParametersMap(), CodecParameters.APT);
        if (apt.isEmpty()) {
            throw SluiceException.invalid(path + ".parameters.apt", "an RTX codec needs apt");
        }
        RtpCodecParameters target = apt.getAsLong() >= 0 && apt.getAsLong() <= MediaCodecValidator.MAX_PAYLOAD_TYPE
                ? byPayloadType.get((int) apt.getAsLong())
                : null;
        if (target == null) {
            throw SluiceException.invalid(path + ".parameters.apt", "apt " + apt.getAsLong() + " names no codec");
        }
        if (CodecMatcher.isRtx(target.getMimeType())) {
            throw SluiceException.invalid(path + ".parameters.apt", "apt " + apt.getAsLong() + " names an RTX codec");
        }
    }

    private static void checkHeaderExtensions(List<RtpHeaderExtensionParameters> extensions, String path)
            throws SluiceException {
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < extensions.size(); i++) {
            RtpHeaderExtensionParameters extension = extensions.get(i);
            String extensionPath = path + "[" + i + "]";
            if (extension.getUri().isEmpty()) {
                throw SluiceException.invalid(extensionPath + ".uri", "missing header extension URI");
            }
            int id = extension.getId();
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
                RtpCodecParameters codec = byPayloadType.get(encoding.getCodecPayloadType());
                if (codec == null || CodecMatcher.isRtx(codec.getMimeType())) {
                    throw SluiceException.invalid(encodingPath + ".codec_payload_type",
                            "codec payload type " + encoding.getCodecPayloadType() + " names no media codec");
                }
            }
            boolean identified = encoding.hasSsrc() || !encoding.getRid().isEmpty();
            // Without an SSRC or rid, only a single encoding found by the BUNDLE mid can be told apart.
            if (!identified && (encodings.size() > 1 || mid.isEmpty())) {
                throw SluiceException.invalid(encodingPath,
                        encodings.size() > 1
                                ? "with several encodings each needs an ssrc or a rid"
                                : "an encoding needs an ssrc or a rid when there is no mid");
            }
            if (!encoding.getScalabilityMode().isEmpty()) {
                ScalabilityMode mode = ScalabilityMode.parse(encoding.getScalabilityMode())
                        .orElseThrow(() -> SluiceException.invalid(encodingPath + ".scalability_mode",
                                "unknown scalability mode " + encoding.getScalabilityMode()));
                if (mode.spatialLayers() > 1 && encodings.size() > 1) {
                    throw SluiceException.invalid(encodingPath + ".scalability_mode",
                            "simulcast encodings cannot also have several spatial layers");
                }
            }
        }
    }
}
