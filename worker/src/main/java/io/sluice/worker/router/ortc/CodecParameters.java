package io.sluice.worker.router.ortc;

import io.sluice.worker.router.parameters.ParameterValue;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Typed reads of codec parameters (SDP {@code a=fmtp} values), which mediasoup keeps as numbers or
 * strings and mediasoup-client checks by type: a value of the wrong type reads as absent.
 */
public final class CodecParameters {

    /** RTX (RFC 4588 section 8.6): the payload type this retransmission stream repairs. */
    public static final String APT = "apt";
    /** H.264 (RFC 6184 section 8.1). */
    public static final String PACKETIZATION_MODE = "packetization-mode";
    public static final String PROFILE_LEVEL_ID = "profile-level-id";
    public static final String LEVEL_ASYMMETRY_ALLOWED = "level-asymmetry-allowed";
    /** VP9 (RFC 9628 section 6). */
    public static final String PROFILE_ID = "profile-id";
    /** Multichannel Opus as libwebrtc signals it (no RFC; mediasoup's names). */
    public static final String NUM_STREAMS = "num_streams";
    public static final String COUPLED_STREAMS = "coupled_streams";
    public static final String CHANNEL_MAPPING = "channel_mapping";

    private CodecParameters() {}

    public static ParameterValue ofInt(long value) {
        return ParameterValue.ofInt(value);
    }

    public static ParameterValue ofString(String value) {
        return ParameterValue.ofString(value);
    }

    /** The integer under {@code key}; empty when absent or a string. */
    public static OptionalLong intValue(Map<String, ParameterValue> parameters, String key) {
        ParameterValue value = parameters.get(key);
        return value != null && value.hasIntValue() ? OptionalLong.of(value.intValue()) : OptionalLong.empty();
    }

    /** The string under {@code key}; empty when absent or a number. */
    public static Optional<String> stringValue(Map<String, ParameterValue> parameters, String key) {
        ParameterValue value = parameters.get(key);
        return value != null && value.hasStringValue() ? Optional.of(value.stringValue()) : Optional.empty();
    }
}
