package io.sluice.worker.router.parameters;

import java.util.Map;

/** A header extension a stream set uses, under its negotiated id (RFC 8285 section 4). */
public record RtpHeaderExtensionParameters(String uri, int id, boolean encrypt, Map<String, ParameterValue> parameters) {

    public RtpHeaderExtensionParameters {
        parameters = Parameters.copyOf(parameters);
    }

    public RtpHeaderExtensionParameters(String uri, int id, boolean encrypt) {
        this(uri, id, encrypt, Map.of());
    }
}
