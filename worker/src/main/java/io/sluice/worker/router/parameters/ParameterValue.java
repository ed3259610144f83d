package io.sluice.worker.router.parameters;

/**
 * A codec parameter's value (an SDP {@code a=fmtp} value): a number or a string, as mediasoup
 * keeps them, since mediasoup-client checks some by type (apt, packetization-mode, profile-id are
 * numbers; profile-level-id is a string). {@link #NONE} is a parameter sent without a value, which
 * validation rejects.
 */
public record ParameterValue(Long intValue, String stringValue) {

    public static final ParameterValue NONE = new ParameterValue(null, null);

    public ParameterValue {
        if (intValue != null && stringValue != null) {
            throw new IllegalArgumentException("a parameter value is a number or a string, not both");
        }
    }

    public static ParameterValue ofInt(long value) {
        return new ParameterValue(value, null);
    }

    public static ParameterValue ofString(String value) {
        return new ParameterValue(null, value);
    }

    public boolean hasIntValue() {
        return intValue != null;
    }

    public boolean hasStringValue() {
        return stringValue != null;
    }

    public boolean hasValue() {
        return intValue != null || stringValue != null;
    }
}
