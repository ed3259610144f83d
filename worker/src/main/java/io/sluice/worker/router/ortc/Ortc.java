package io.sluice.worker.router.ortc;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.worker.SluiceException;
import java.util.List;

/** RTP capability and parameter negotiation, as mediasoup's ortc does it. */
public final class Ortc {

    private Ortc() {}

    /** The router's capabilities for the given media codecs. Placeholder until the ortc work lands. */
    public static RtpCapabilities generateRouterRtpCapabilities(List<RtpCodecCapability> mediaCodecs)
            throws SluiceException {
        throw new SluiceException(ErrorCode.INTERNAL, "not implemented yet");
    }
}
