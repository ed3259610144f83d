package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.MediaKind;
import io.sluice.worker.router.parameters.ParameterValue;
import io.sluice.worker.router.parameters.RtpCapabilities;
import io.sluice.worker.router.parameters.RtpCodecCapability;
import io.sluice.worker.router.parameters.RtpHeaderExtension;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks an endpoint's RTP capabilities (what mediasoup-client's device says it can receive) as
 * mediasoup's validateRtpCapabilities does, normalizing codec kinds from their mime types and
 * audio channels to 1 when absent.
 */
final class RtpCapabilitiesValidator {

    private RtpCapabilitiesValidator() {}

    static RtpCapabilities validate(RtpCapabilities capabilities, String path) throws SluiceException {
        List<RtpCodecCapability> codecs = new ArrayList<>(capabilities.codecs().size());
        for (int i = 0; i < capabilities.codecs().size(); i++) {
            codecs.add(validateCodec(capabilities.codecs().get(i), path + ".codecs[" + i + "]"));
        }
        for (int i = 0; i < capabilities.headerExtensions().size(); i++) {
            RtpHeaderExtension extension = capabilities.headerExtensions().get(i);
            String extensionPath = path + ".header_extensions[" + i + "]";
            if (extension.kind() != MediaKind.AUDIO && extension.kind() != MediaKind.VIDEO) {
                throw SluiceException.invalid(extensionPath + ".kind", "header extension kind is AUDIO or VIDEO");
            }
            if (extension.uri().isEmpty()) {
                throw SluiceException.invalid(extensionPath + ".uri", "missing header extension URI");
            }
            if (extension.preferredId() == 0) {
                throw SluiceException.invalid(extensionPath + ".preferred_id", "missing header extension id");
            }
        }
        return new RtpCapabilities(codecs, capabilities.headerExtensions());
    }

    private static RtpCodecCapability validateCodec(RtpCodecCapability codec, String path) throws SluiceException {
        MediaKind kind = MediaCodecValidator.kindOfMimeType(codec.mimeType(), path + ".mime_type");
        if (!codec.hasPreferredPayloadType()) {
            throw SluiceException.invalid(path + ".preferred_payload_type", "missing payload type");
        }
        MediaCodecValidator.checkPayloadType(
                Integer.toUnsignedLong(codec.preferredPayloadType()), path + ".preferred_payload_type");
        if (codec.clockRate() == 0) {
            throw SluiceException.invalid(path + ".clock_rate", "missing clock rate");
        }
        RtpCodecCapability normalized = codec.withKind(kind);
        if (kind == MediaKind.AUDIO) {
            normalized = normalized.withChannels(codec.hasChannels() ? codec.channels() : 1);
        } else {
            normalized = normalized.withChannels(null);
        }
        for (Map.Entry<String, ParameterValue> entry : codec.parameters().entrySet()) {
            boolean aptNotANumber = entry.getKey().equals(CodecParameters.APT) && !entry.getValue().hasIntValue();
            if (!entry.getValue().hasValue() || aptNotANumber) {
                throw SluiceException.invalid(path + ".parameters." + entry.getKey(),
                        aptNotANumber ? "apt must be a number" : "parameter has no value");
            }
        }
        for (int i = 0; i < codec.rtcpFeedback().size(); i++) {
            if (codec.rtcpFeedback().get(i).type().isEmpty()) {
                throw SluiceException.invalid(path + ".rtcp_feedback[" + i + "].type", "missing feedback type");
            }
        }
        return normalized;
    }
}
