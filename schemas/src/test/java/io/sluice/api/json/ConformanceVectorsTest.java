package io.sluice.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.sluice.api.v1.DtlsParameters;
import io.sluice.api.v1.RtpCapabilities;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.WebRtcTransportInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shared vectors of {@code schemas/testdata/} (the Python SDK's tests check the same files;
 * its README says how they are laid out): every message written as JSON equals its file after
 * canonical JSON, every file read gives its message, every invalid JSON is rejected naming the
 * same path.
 */
class ConformanceVectorsTest {

    private static final Path VECTORS = Path.of("testdata");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<String> bothWays() throws IOException {
        return names(".textproto").filter(name -> Files.exists(VECTORS.resolve(name + ".json")));
    }

    static Stream<String> fromClient() throws IOException {
        return names(".from-client.json");
    }

    static Stream<Arguments> invalid() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode vector : MAPPER.readTree(VECTORS.resolve("invalid.json").toFile())) {
            cases.add(Arguments.of(vector.get("case").asText(), vector.get("message").asText(), vector.get("json"),
                    vector.get("path").asText()));
        }
        return cases.stream();
    }

    @Test
    void everyKindOfVectorIsThere() throws IOException {
        List<String> kinds = new ArrayList<>();
        for (String name : bothWays().toList()) {
            kinds.add(readTextproto(name).getDescriptorForType().getFullName());
        }

        assertThat(kinds).hasSizeGreaterThanOrEqualTo(20).containsAll(Set.of("sluice.v1.RtpCapabilities",
                "sluice.v1.RtpParameters", "sluice.v1.WebRtcTransportInfo", "sluice.v1.DtlsParameters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothWays")
    void messageToJson(String name) throws IOException {
        Message message = readTextproto(name);
        JsonNode expected = MAPPER.readTree(VECTORS.resolve(name + ".json").toFile());

        assertThat(canonical(toJson(message))).isEqualTo(canonical(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothWays")
    void jsonToMessage(String name) throws IOException {
        Message expected = readTextproto(name);

        Message read = fromJson(expected.getDescriptorForType().getFullName(),
                MAPPER.readTree(VECTORS.resolve(name + ".json").toFile()));

        assertThat(read).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fromClient")
    void mediasoupClientJsonToMessage(String name) throws IOException {
        Message expected = readTextproto(name);

        Message read = fromJson(expected.getDescriptorForType().getFullName(),
                MAPPER.readTree(VECTORS.resolve(name + ".from-client.json").toFile()));

        assertThat(read).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidJsonNamesThePath(String name, String message, JsonNode json, String path) {
        RtpJsonException error = catchThrowableOfType(RtpJsonException.class, () -> fromJson(message, json));

        assertThat(error).as(name).isNotNull();
        assertThat(error.field()).as(name).isEqualTo(path);
    }

    private static JsonNode toJson(Message message) {
        return switch (message) {
            case RtpCapabilities capabilities -> RtpJson.toJson(capabilities);
            case RtpParameters parameters -> RtpJson.toJson(parameters);
            case WebRtcTransportInfo transport -> TransportJson.toJson(transport);
            case DtlsParameters dtls -> TransportJson.toJson(dtls);
            default -> throw new IllegalArgumentException("no JSON mapping for " + message.getDescriptorForType());
        };
    }

    private static Message fromJson(String messageName, JsonNode json) {
        return switch (messageName) {
            case "sluice.v1.RtpCapabilities" -> RtpJson.capabilitiesFromJson(json);
            case "sluice.v1.RtpParameters" -> RtpJson.parametersFromJson(json);
            case "sluice.v1.WebRtcTransportInfo" -> TransportJson.transportOptionsFromJson(json);
            case "sluice.v1.DtlsParameters" -> TransportJson.dtlsParametersFromJson(json, "");
            default -> throw new IllegalArgumentException("no JSON mapping for " + messageName);
        };
    }

    private static Stream<String> names(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(VECTORS)) {
            List<String> names = files.map(path -> path.getFileName().toString())
                    .filter(file -> file.endsWith(suffix))
                    .map(file -> file.substring(0, file.length() - suffix.length()))
                    .sorted()
                    .toList();
            assertThat(names).as("vectors *" + suffix + " in " + VECTORS.toAbsolutePath()).isNotEmpty();
            return names.stream();
        }
    }

    /** The message of {@code <name>.textproto}, whose type the {@code # proto-message:} line names. */
    private static Message readTextproto(String name) throws IOException {
        String text = Files.readString(VECTORS.resolve(name + ".textproto"));
        String type = text.lines().filter(line -> line.startsWith("# proto-message:")).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + ": no # proto-message: line"))
                .substring("# proto-message:".length()).strip();
        Message.Builder builder = switch (type) {
            case "sluice.v1.RtpCapabilities" -> RtpCapabilities.newBuilder();
            case "sluice.v1.RtpParameters" -> RtpParameters.newBuilder();
            case "sluice.v1.WebRtcTransportInfo" -> WebRtcTransportInfo.newBuilder();
            case "sluice.v1.DtlsParameters" -> DtlsParameters.newBuilder();
            default -> throw new IllegalStateException(name + ": no JSON mapping for " + type);
        };
        TextFormat.merge(text, builder);
        return builder.build();
    }

    /** Keys sorted at every level, no spaces: the comparison the Python tests make too. */
    private static String canonical(JsonNode json) throws IOException {
        return MAPPER.writeValueAsString(sorted(json));
    }

    private static JsonNode sorted(JsonNode json) {
        if (json.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            TreeMap<String, JsonNode> members = new TreeMap<>();
            json.properties().forEach(member -> members.put(member.getKey(), member.getValue()));
            members.forEach((key, value) -> copy.set(key, sorted(value)));
            return copy;
        }
        if (json.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            json.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return json;
    }
}
