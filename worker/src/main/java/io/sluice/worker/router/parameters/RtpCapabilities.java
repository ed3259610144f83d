package io.sluice.worker.router.parameters;

import java.util.List;

/** What a router or an endpoint can send and receive: codecs and header extensions. */
public record RtpCapabilities(List<RtpCodecCapability> codecs, List<RtpHeaderExtension> headerExtensions) {

    public RtpCapabilities {
        codecs = List.copyOf(codecs);
        headerExtensions = List.copyOf(headerExtensions);
    }
}
