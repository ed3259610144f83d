package io.sluice.api.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/** A JSON object being read, with its path for error messages; null members read as absent. */
final class JsonObject {

    private static final long MAX_UINT32 = 0xffff_ffffL;
    /** Integers a JavaScript number holds exactly (Number.MAX_SAFE_INTEGER). */
    private static final double MAX_SAFE_INTEGER = 9007199254740991d;

    private final JsonNode node;
    private final String path;

    private JsonObject(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static JsonObject of(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new RtpJsonException(path, "expected a JSON object");
        }
        return new JsonObject(node, path);
    }

    interface ElementReader {
        void read(JsonNode element, String path);
    }

    interface MemberReader {
        void read(String name, JsonNode value, String path);
    }

    String path(String member) {
        return path.isEmpty() ? member : path + "." + member;
    }

    String requiredString(String member) {
        return optionalString(member).orElseThrow(() -> new RtpJsonException(path(member), "missing"));
    }

    Optional<String> optionalString(String member) {
        JsonNode value = member(member);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new RtpJsonException(path(member), "expected a string");
        }
        return Optional.of(value.asText());
    }

    /** A uint32 field, returned with its bits in an int as protobuf holds it. */
    int requiredUint32(String member) {
        return optionalUint32(member).orElseThrow(() -> new RtpJsonException(path(member), "missing"));
    }

    Optional<Integer> optionalUint32(String member) {
        JsonNode value = member(member);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isNumber()) {
            throw new RtpJsonException(path(member), "expected a number");
        }
        long number = integral(value, path(member));
        if (number < 0 || number > MAX_UINT32) {
            throw new RtpJsonException(path(member), "expected a number from 0 to " + MAX_UINT32 + ", got " + number);
        }
        return Optional.of((int) number);
    }

    Optional<Boolean> optionalBoolean(String member) {
        JsonNode value = member(member);
        if (value == null) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new RtpJsonException(path(member), "expected true or false");
        }
        return Optional.of(value.booleanValue());
    }

    Optional<JsonObject> optionalObject(String member) {
        JsonNode value = member(member);
        return value == null ? Optional.empty() : Optional.of(of(value, path(member)));
    }

    void requireArray(String member) {
        JsonNode value = member(member);
        if (value == null || !value.isArray()) {
            throw new RtpJsonException(path(member), "expected an array");
        }
    }

    /** Reads each element of an array member; nothing when the member is absent. */
    void forEachElement(String member, ElementReader reader) {
        JsonNode value = member(member);
        if (value == null) {
            return;
        }
        if (!value.isArray()) {
            throw new RtpJsonException(path(member), "expected an array");
        }
        for (int i = 0; i < value.size(); i++) {
            reader.read(value.get(i), path(member) + "[" + i + "]");
        }
    }

    void forEachMember(MemberReader reader) {
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            reader.read(member.getKey(), member.getValue(), path(member.getKey()));
        }
    }

    /**
     * A JSON number as a long. JavaScript has one number type, so 1.0 is the integer 1; a
     * fraction or a value beyond what a double holds exactly is rejected.
     */
    static long integral(JsonNode value, String path) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        double number = value.doubleValue();
        if (value.isFloatingPointNumber() && number == Math.rint(number) && Math.abs(number) <= MAX_SAFE_INTEGER) {
            return (long) number;
        }
        throw new RtpJsonException(path, "expected an integer, got " + value);
    }

    private JsonNode member(String member) {
        JsonNode value = node.get(member);
        return value == null || value.isNull() ? null : value;
    }
}
