package io.sluice.worker.router.ortc;

import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.ParameterValue;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.RtpHeaderExtension;
import io.sluice.worker.router.SluiceException;
import java.util.Map;

/**
 * Checks an endpoint's RTP capabilities (what mediasoup-client's device says it can receive) as
 * mediasoup's validateRtpCapabilities does, normalizing codec kinds from their mime types and
 * audio channels to 1 when absent.
 */
final class RtpCapabilitiesValidator {

    private RtpCapabilitiesValidator() {}

    static RtpCapabilities validate(RtpCapabilities capabilities, String path) throws SluiceException {
        RtpCapabilities.Builder normalized = capabilities.toBuilder();
        for (int i = 0; i < capabilities.getCodecsCount(); i++) {
            normalized.setCodecs(i, validateCodec(capabilities.getCodecs(i), path + ".codecs[" + i + "]"));
        }
        for (int i = 0; i < capabilities.getHeaderExtensionsCount(); i++) {
            RtpHeaderExtension extension = capabilities.getHeaderExtensions(i);
            String extensionPath = path + ".header_extensions[" + i + "]";
            if (extension.getKind() != MediaKind.AUDIO && extension.getKind() != MediaKind.VIDEO) {
                throw SluiceException.invalid(extensionPath + ".kind", "header extension kind is AUDIO or VIDEO");
            }
            if (extension.getUri().isEmpty()) {
                throw SluiceException.invalid(extensionPath + ".uri", "missing header extension URI");
            }
            if (extension.getPreferredId() == 0) {
                throw SluiceException.invalid(extensionPath + ".preferred_id", "missing header extension id");
            }
        }
        return normalized.build();
    }

    private static RtpCodecCapability validateCodec(RtpCodecCapability codec, String path) throws SluiceException {
        MediaKind kind = MediaCodecValidator.kindOfMimeType(codec.getMimeType(), path + ".mime_type");
        if (!codec.hasPreferredPayloadType()) {
            throw SluiceException.invalid(path + ".preferred_payload_type", "missing payload type");
        }
        MediaCodecValidator.checkPayloadType(
                Integer.toUnsignedLong(codec.getPreferredPayloadType()), path + ".preferred_payload_type");
        if (codec.getClockRate() == 0) {
            throw SluiceException.invalid(path + ".clock_rate", "missing clock rate");
        }
        RtpCodecCapability.Builder normalized = codec.toBuilder().setKind(kind);
        if (kind == MediaKind.AUDIO) {
            normalized.setChannels(codec.hasChannels() ? codec.getChannels() : 1);
        } else {
            normalized.clearChannels();
        }
        for (Map.Entry<String, ParameterValue> entry : codec.getParametersMap().entrySet()) {
            boolean aptNotANumber = entry.getKey().equals(CodecParameters.APT) && !entry.getValue().hasIntValue();
            if (entry.getValue().getValueCase() == ParameterValue.ValueCase.VALUE_NOT_SET || aptNotANumber) {
                throw SluiceException.invalid(path + ".parameters." + entry.getKey(),
                        aptNotANumber ? "apt must be a number" : "parameter has no value");
            }
        }
        for (int i = 0; i < codec.getRtcpFeedbackCount(); i++) {
            if (codec.getRtcpFeedback(i).getType().isEmpty()) {
                throw SluiceException.invalid(path + ".rtcp_feedback[" + i + "].type", "missing feedback type");
            }
        }
        return normalized.build();
    }
}
