package io.sluice.api.json;

/** JSON that is not a valid mediasoup RTP capabilities or parameters object; {@link #field()} says where. */
public final class RtpJsonException extends IllegalArgumentException {

    private final String field;

    public RtpJsonException(String field, String message) {
        super(field.isEmpty() ? message : field + ": " + message);
        this.field = field;
    }

    /** The JSON path of the offending value, e.g. {@code codecs[2].parameters.apt}; empty for the root. */
    public String field() {
        return field;
    }
}
