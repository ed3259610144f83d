package io.sluice.orchestrator.signaling;

import static io.sluice.orchestrator.signaling.SignalingTestClient.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.worker.testsupport.Patience;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Join tokens and per-user and per-peer limits through the real WebSocket, two signaling servers
 * sharing one Redis (as two stubs behind one application) and a real worker: every refusal is a
 * typed error, and what one user or peer is refused leaves the others alone.
 */
class JoinAdmissionTest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static SignalingStack stack;
    private static int secondPort;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = SignalingStack.startWithSessions(Duration.ofSeconds(60));
        secondPort = stack.startSecondSignaling();
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private SignalingTestClient client(int port) throws Exception {
        SignalingTestClient client = new SignalingTestClient(port);
        opened.add(client);
        return client;
    }

    private JsonNode join(int port, String roomId, String token) throws Exception {
        return client(port).request("join", data("roomId", roomId, "token", token));
    }

    @Test
    void expiredNotYetValidWrongAlgorithmAndTamperedTokensAreRefused() throws Exception {
        Instant now = Instant.now();
        String expired = new JoinToken("erin", "room-tokens", Set.of("audio"))
                .sign(SignalingStack.JOIN_SECRET, now.minusSeconds(120));
        String notYetValid = hs256(JoinToken.HS256_HEADER, "{\"sub\":\"erin\",\"room\":\"room-tokens\",\"exp\":"
                + now.plusSeconds(3600).getEpochSecond() + ",\"nbf\":" + now.plusSeconds(600).getEpochSecond() + "}");
        String valid = SignalingStack.token("erin", "room-tokens", "audio");
        String payload = valid.split("\\.")[1];
        String algNone = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";
        String hs384 = hs256("{\"alg\":\"HS384\",\"typ\":\"JWT\"}", new String(Base64.getUrlDecoder().decode(payload),
                StandardCharsets.UTF_8));
        String tampered = valid.substring(0, valid.length() - 3) + (valid.endsWith("AAA") ? "BBB" : "AAA");

        assertRefused(join(stack.port(), "room-tokens", expired), "PERMISSION_DENIED", "expired");
        assertRefused(join(stack.port(), "room-tokens", notYetValid), "PERMISSION_DENIED", "not valid before");
        assertRefused(join(stack.port(), "room-tokens", algNone), "PERMISSION_DENIED", "\"none\" refused");
        assertRefused(join(stack.port(), "room-tokens", hs384), "PERMISSION_DENIED", "\"HS384\" refused");
        assertRefused(join(stack.port(), "room-tokens", tampered), "PERMISSION_DENIED", "bad signature");
        assertThat(join(stack.port(), "room-tokens", valid).path("ok").asBoolean()).isTrue();
    }

    @Test
    void aSingleUseTokenJoinsOnceOnEitherServerAndOnlyOnceWhenRaced() throws Exception {
        String once = new JoinToken("fay", "room-once", Set.of("video"))
                .sign(SignalingStack.JOIN_SECRET, Instant.now().plusSeconds(600), UUID.randomUUID().toString());

        assertThat(join(stack.port(), "room-once", once).path("ok").asBoolean()).isTrue();
        assertRefused(join(secondPort, "room-once", once), "PERMISSION_DENIED", "replayed");
        assertRefused(join(stack.port(), "room-once", once), "PERMISSION_DENIED", "replayed");

        // Raced from three sockets on both servers at once: Redis's SET NX lets exactly one in.
        String raced = new JoinToken("gus", "room-once", Set.of())
                .sign(SignalingStack.JOIN_SECRET, Instant.now().plusSeconds(600), UUID.randomUUID().toString());
        List<CompletableFuture<JsonNode>> joins = new ArrayList<>();
        for (int port : new int[] {stack.port(), secondPort, stack.port()}) {
            joins.add(client(port).send("join", data("roomId", "room-once", "token", raced)));
        }
        List<JsonNode> answers = new ArrayList<>();
        for (CompletableFuture<JsonNode> answer : joins) {
            answers.add(answer.get(60, TimeUnit.SECONDS));
        }
        assertThat(answers).filteredOn(answer -> answer.path("ok").asBoolean()).hasSize(1);
        assertThat(answers).filteredOn(answer -> !answer.path("ok").asBoolean())
                .allSatisfy(answer -> assertRefused(answer, "PERMISSION_DENIED", "replayed"));
    }

    @Test
    void theSessionLimitCountsAUsersSessionsOnBothServersAndAFreedSlotCanBeUsedAgain() throws Exception {
        String token = SignalingStack.token("hal", "room-limit", "audio");
        List<SignalingTestClient> sessions = new ArrayList<>();
        for (int port : new int[] {stack.port(), secondPort, stack.port(), secondPort}) {
            SignalingTestClient session = client(port);
            session.ok("join", data("roomId", "room-limit", "token", token));
            sessions.add(session);
        }

        assertRefused(join(stack.port(), "room-limit", token), "RESOURCE_EXHAUSTED", "limit 4");
        assertRefused(join(secondPort, "room-limit", token), "RESOURCE_EXHAUSTED", "limit 4");
        // Another user in the room, and the same user in another room, are not limited by it.
        assertThat(join(secondPort, "room-limit", SignalingStack.token("ida", "room-limit")).path("ok").asBoolean())
                .isTrue();
        assertThat(join(stack.port(), "room-limit-2", SignalingStack.token("hal", "room-limit-2")).path("ok")
                .asBoolean()).isTrue();

        sessions.getFirst().ok("leave", null);
        await().atMost(Patience.WAIT).untilAsserted(
                () -> assertThat(join(secondPort, "room-limit", token).path("ok").asBoolean()).isTrue());
    }

    @Test
    void aPeerSpammingCreateWebRtcTransportIsStoppedAtTheLimitAndAPeerInAnotherRoomIsNot() throws Exception {
        SignalingTestClient spammer = client(stack.port());
        spammer.ok("join", data("roomId", "room-spam", "token", SignalingStack.token("mallory", "room-spam", "video")));
        SignalingTestClient bystander = client(stack.port());
        bystander.ok("join", data("roomId", "room-calm", "token", SignalingStack.token("nina", "room-calm", "video")));

        // Sent without waiting for replies: creations in flight count against the limit too.
        List<CompletableFuture<JsonNode>> spam = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            spam.add(spammer.send("createWebRtcTransport", data("direction", i % 2 == 0 ? "send" : "recv")));
        }
        List<JsonNode> answers = new ArrayList<>();
        for (CompletableFuture<JsonNode> answer : spam) {
            answers.add(answer.get(60, TimeUnit.SECONDS));
        }

        int limit = SignalingLimits.DEFAULTS.transportsPerPeer();
        assertThat(answers).filteredOn(answer -> answer.path("ok").asBoolean()).hasSize(limit);
        assertThat(answers).filteredOn(answer -> !answer.path("ok").asBoolean()).hasSize(40 - limit)
                .allSatisfy(answer -> assertRefused(answer, "RESOURCE_EXHAUSTED", "at most " + limit + " transports"));
        assertRefused(spammer.request("createWebRtcTransport", data("direction", "recv")), "RESOURCE_EXHAUSTED",
                "transports");
        assertThat(bystander.ok("createWebRtcTransport", data("direction", "send")).path("id").asText()).isNotEmpty();
        assertThat(bystander.ok("createWebRtcTransport", data("direction", "recv")).path("id").asText()).isNotEmpty();
    }

    private static void assertRefused(JsonNode response, String code, String messagePart) {
        assertThat(response.path("ok").asBoolean()).as("expected an error: %s", response).isFalse();
        assertThat(response.path("error").path("code").asText()).as(response.toString()).isEqualTo(code);
        assertThat(response.path("error").path("message").asText()).contains(messagePart);
    }

    private static String hs256(String header, String claims) {
        String input = b64(header) + "." + b64(claims);
        return input + "." + B64.encodeToString(JoinToken.hmacSha256(SignalingStack.JOIN_SECRET, input));
    }

    private static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
