package io.sluice.orchestrator.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class JoinTokenTest {

    private static final byte[] SECRET = "Jefe".getBytes(StandardCharsets.UTF_8);
    /**
     * Made outside Java: {@code printf '%s' <payload> | openssl dgst -sha256 -hmac Jefe -binary |
     * basenc --base64url}, payload {@code {"userId":"alice","roomId":"r","permissions":["audio","video"]}}.
     */
    private static final String OPENSSL_TOKEN =
            "eyJ1c2VySWQiOiJhbGljZSIsInJvb21JZCI6InIiLCJwZXJtaXNzaW9ucyI6WyJhdWRpbyIsInZpZGVvIl19"
                    + ".OTUMZ1PjjZatyQzNlSAucB3_I5Z69jpufp0uVxXtfM8";

    @Test
    void aTokenSignedByOpensslVerifies() {
        assertThat(JoinToken.verify(OPENSSL_TOKEN, SECRET))
                .contains(new JoinToken("alice", "r", Set.of("audio", "video")));
    }

    @Test
    void signProducesTheSameBytesAsOpenssl() {
        assertThat(new JoinToken("alice", "r", Set.of("video", "audio")).sign(SECRET)).isEqualTo(OPENSSL_TOKEN);
    }

    @Test
    void anotherSecretFails() {
        assertThat(JoinToken.verify(OPENSSL_TOKEN, "jefe".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aPayloadWithMorePermissionsUnderTheOldSignatureFails() {
        String signature = OPENSSL_TOKEN.substring(OPENSSL_TOKEN.indexOf('.'));
        String widened = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"userId\":\"alice\",\"roomId\":\"r\",\"permissions\":[\"audio\",\"video\",\"admin\"]}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(JoinToken.verify(widened + signature, SECRET)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???",
        "eyJ1c2VySWQiOiJhbGljZSJ9.OTUMZ1PjjZatyQzNlSAucB3_I5Z69jpufp0uVxXtfM8"})
    void malformedTokensFail(String token) {
        assertThat(JoinToken.verify(token, SECRET)).isEmpty();
    }

    @Test
    void aValidSignatureOverAMalformedPayloadFails() {
        for (String payload : new String[] {"not json", "{\"userId\":1,\"roomId\":\"r\",\"permissions\":[]}",
                "{\"userId\":\"a\",\"roomId\":\"r\",\"permissions\":\"audio\"}",
                "{\"userId\":\"a\",\"roomId\":\"r\",\"permissions\":[1]}", "{\"userId\":\"a\",\"permissions\":[]}"}) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(bytes));

            assertThat(JoinToken.verify(token, SECRET)).as(payload).isEmpty();
        }
    }

    private static byte[] hmac(byte[] payload) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
