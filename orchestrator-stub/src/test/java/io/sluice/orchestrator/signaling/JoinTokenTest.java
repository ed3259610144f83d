package io.sluice.orchestrator.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Join tokens as RFC 7519 JWTs (RFC 7515 compact JWS), checked against an injected clock. */
class JoinTokenTest {

    private static final byte[] SECRET = "Jefe".getBytes(StandardCharsets.UTF_8);
    /** 2030-01-01T00:00:00Z, the exp of the PyJWT vectors. */
    private static final Instant EXP = Instant.ofEpochSecond(1893456000);
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /**
     * Made by PyJWT 2.15.1 (what examples/quart-backend uses): {@code jwt.encode({"sub": "alice",
     * "room": "r", "permissions": ["audio", "video"], "exp": 1893456000}, "Jefe", algorithm="HS256")}.
     */
    static final String PYJWT_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiJhbGljZSIsInJvb20iOiJyIiwicGVybWlzc2lvbnMiOlsiYXVkaW8iLCJ2aWRlbyJdLCJleHAiOjE4OTM0NTYwMDB9"
            + ".gJJV4igQp0Mp33BQAxbe37CzIEjluh_KoBeSDv0sHOU";
    /** The same claims and {@code "jti": "once-1"}, by PyJWT 2.15.1. */
    static final String PYJWT_SINGLE_USE_TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiJhbGljZSIsInJvb20iOiJyIiwicGVybWlzc2lvbnMiOlsiYXVkaW8iLCJ2aWRlbyJdLCJleHAiOjE4OTM0NTYwMDAsImp0aSI6Im9uY2UtMSJ9"
            + ".fAE3kXdgwj3cf-an8scQZfDG3MHzkRU3CHzhM69JZzc";

    private static JoinTokenVerifier hs256At(Instant now) {
        return JoinTokenVerifier.hs256(SECRET, InstantSource.fixed(now), SKEW);
    }

    private static final JoinTokenVerifier VERIFIER = hs256At(EXP.minusSeconds(3600));

    @Test
    void aTokenSignedByPyJwtVerifies() {
        JoinTokenVerifier.Verified verified = VERIFIER.verify(PYJWT_TOKEN);

        assertThat(verified.grant()).isEqualTo(new JoinToken("alice", "r", Set.of("audio", "video")));
        assertThat(verified.jti()).isNull();
        assertThat(verified.expiresAt()).isEqualTo(EXP);
        assertThat(VERIFIER.verify(PYJWT_SINGLE_USE_TOKEN).jti()).isEqualTo("once-1");
    }

    @Test
    void signProducesTheSameBytesAsPyJwt() {
        JoinToken token = new JoinToken("alice", "r", Set.of("video", "audio"));

        assertThat(token.sign(SECRET, EXP)).isEqualTo(PYJWT_TOKEN);
        assertThat(token.sign(SECRET, EXP, "once-1")).isEqualTo(PYJWT_SINGLE_USE_TOKEN);
    }

    @Test
    void anotherSecretFails() {
        assertThatThrownBy(() -> JoinTokenVerifier.hs256("jefe".getBytes(StandardCharsets.UTF_8),
                InstantSource.fixed(EXP.minusSeconds(60)), SKEW).verify(PYJWT_TOKEN))
                .isInstanceOf(SignalingException.class).hasMessageContaining("bad signature")
                .extracting(e -> ((SignalingException) e).code()).isEqualTo("PERMISSION_DENIED");
    }

    @Test
    void aPayloadWithMorePermissionsUnderTheOldSignatureFails() {
        String[] parts = PYJWT_TOKEN.split("\\.");
        String widened = b64("{\"sub\":\"alice\",\"room\":\"r\",\"permissions\":[\"audio\",\"video\",\"admin\"],"
                + "\"exp\":1893456000}");

        assertDenied(parts[0] + "." + widened + "." + parts[2], "bad signature");
    }

    @Test
    void expiryIsEnforcedWithTheClockSkew() {
        assertThat(hs256At(EXP.plus(SKEW)).verify(PYJWT_TOKEN).grant().userId()).isEqualTo("alice");
        assertThatThrownBy(() -> hs256At(EXP.plus(SKEW).plusSeconds(1)).verify(PYJWT_TOKEN))
                .hasMessageContaining("expired at 2030-01-01T00:00:00Z");
    }

    @Test
    void notBeforeIsEnforcedWithTheClockSkew() {
        Instant notBefore = EXP.minusSeconds(600);
        String token = hs256("{\"sub\":\"a\",\"room\":\"r\",\"exp\":1893456000,\"nbf\":" + notBefore.getEpochSecond() + "}");

        assertThat(hs256At(notBefore.minus(SKEW)).verify(token).grant().permissions()).isEmpty();
        assertThatThrownBy(() -> hs256At(notBefore.minus(SKEW).minusSeconds(1)).verify(token))
                .hasMessageContaining("not valid before");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() {
        assertDenied(hs256("{\"sub\":\"a\",\"room\":\"r\",\"permissions\":[]}"), "exp is required");
        assertDenied(hs256("{\"sub\":\"a\",\"room\":\"r\",\"exp\":\"tomorrow\"}"), "exp must be a number");
    }

    @Test
    void algNoneAndOtherAlgorithmsAreRefused() {
        String payload = PYJWT_TOKEN.split("\\.")[1];
        // RFC 7519 §6.1 unsecured JWT: empty signature.
        assertDenied(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".", "algorithm \"none\" refused");
        assertDenied(b64("{\"alg\":\"NONE\"}") + "." + payload + "." + PYJWT_TOKEN.split("\\.")[2], "refused");
        assertDenied(b64("{\"typ\":\"JWT\"}") + "." + payload + ".x", "algorithm missing");
        String hs512Input = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}") + "." + payload;
        assertDenied(hs512Input + "." + B64.encodeToString(JoinToken.hmacSha256(SECRET, hs512Input)), "HS512");
        assertDenied(b64("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}") + "." + payload + ".x", "critical");
        assertDenied(b64("{\"alg\":\"HS256\",\"typ\":\"JOSE+JSON\"}") + "." + payload + ".x", "typ");
    }

    @Test
    void rs256AndEdDsaTokensVerifyWithThePublicKeyFromAPemFile(@TempDir Path dir) throws Exception {
        for (String[] kind : new String[][] {{"RSA", "RS256", "SHA256withRSA"}, {"Ed25519", "EdDSA", "Ed25519"}}) {
            KeyPair keys = KeyPairGenerator.getInstance(kind[0]).generateKeyPair();
            Path pem = dir.resolve(kind[0] + ".pem");
            Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
            JoinTokenVerifier verifier = JoinTokenVerifier.publicKey(JoinTokenVerifier.readPublicKey(pem),
                    InstantSource.fixed(EXP.minusSeconds(60)), SKEW);
            String token = signed(kind[1], kind[2], keys.getPrivate(),
                    "{\"sub\":\"bob\",\"room\":\"r\",\"permissions\":[\"video\"],\"exp\":1893456000}");

            assertThat(verifier.algorithm().name()).isEqualTo(kind[1]);
            assertThat(verifier.verify(token).grant()).isEqualTo(new JoinToken("bob", "r", Set.of("video")));
            // The same claims as an HS256 token are refused: the verifier takes one algorithm only.
            assertThatThrownBy(() -> verifier.verify(PYJWT_TOKEN)).hasMessageContaining("\"HS256\" refused");
        }
    }

    /**
     * Algorithm confusion: an attacker who knows the RSA public key "signs" an HS256 token with
     * the key's bytes as the HMAC secret. A verifier made for RS256 refuses it by its header.
     */
    @Test
    void anHs256TokenKeyedWithTheRsaPublicKeyIsRefused() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        JoinTokenVerifier verifier = JoinTokenVerifier.publicKey(keys.getPublic(), InstantSource.fixed(EXP), SKEW);
        String confused = new JoinToken("mallory", "r", Set.of("audio")).sign(keys.getPublic().getEncoded(), EXP);

        assertThatThrownBy(() -> verifier.verify(confused)).hasMessageContaining("\"HS256\" refused; expected RS256");
    }

    @Test
    void weakOrUnsupportedKeysAreRefusedAtStart() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        assertThatThrownBy(() -> JoinTokenVerifier.publicKey(rsa.generateKeyPair().getPublic(), InstantSource.system(),
                SKEW)).hasMessageContaining("at least 2048");
        assertThatThrownBy(() -> JoinTokenVerifier.publicKey(KeyPairGenerator.getInstance("Ed448").generateKeyPair()
                .getPublic(), InstantSource.system(), SKEW)).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> JoinTokenVerifier.hs256(new byte[0], InstantSource.system(), SKEW))
                .hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "abc", "abc.", ".abc", "a.b", "a.b.c.d", "!!!.???.###",
        "eyJhbGciOiJIUzI1NiJ9.e30.", "e30.e30.e30", "W10.e30.x"})
    void malformedTokensFail(String token) {
        assertThatThrownBy(() -> VERIFIER.verify(token)).isInstanceOf(SignalingException.class)
                .hasMessageStartingWith("invalid join token");
    }

    @Test
    void anOverlongTokenIsRefusedBeforeDecoding() {
        assertDenied("a".repeat(JoinTokenVerifier.MAX_TOKEN_CHARS + 1), "malformed");
    }

    @Test
    void aValidSignatureOverMalformedClaimsFails() {
        for (String claims : new String[] {"not json", "[]", "{\"sub\":1,\"room\":\"r\",\"exp\":1893456000}",
                "{\"sub\":\"a\",\"room\":\"r\",\"permissions\":\"audio\",\"exp\":1893456000}",
                "{\"sub\":\"a\",\"room\":\"r\",\"permissions\":[1],\"exp\":1893456000}",
                "{\"sub\":\"a\",\"exp\":1893456000}",
                "{\"sub\":\"a\",\"room\":\"r\",\"exp\":1893456000,\"jti\":\"\"}",
                "{\"sub\":\"a\",\"room\":\"r\",\"exp\":1e400}"}) {
            assertThatThrownBy(() -> VERIFIER.verify(hs256(claims))).as(claims).isInstanceOf(SignalingException.class);
        }
    }

    private static void assertDenied(String token, String reason) {
        assertThatThrownBy(() -> VERIFIER.verify(token)).isInstanceOf(SignalingException.class)
                .hasMessageContaining(reason)
                .extracting(e -> ((SignalingException) e).code()).isEqualTo(SignalingException.PERMISSION_DENIED);
    }

    private static String hs256(String claims) {
        String input = b64(JoinToken.HS256_HEADER) + "." + b64(claims);
        return input + "." + B64.encodeToString(JoinToken.hmacSha256(SECRET, input));
    }

    private static String signed(String alg, String jcaName, PrivateKey key, String claims)
            throws GeneralSecurityException {
        String input = b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(claims);
        Signature signature = Signature.getInstance(jcaName);
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(signature.sign());
    }

    private static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
