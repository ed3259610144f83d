package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a peer may do in one room: the claims of a join token, a JWT (RFC 7519) that the
 * application signs and {@link JoinTokenVerifier} checks (docs/signaling.md, "Join tokens").
 * Claims: {@code sub} the user id, {@code room} the room id, {@code permissions} ({@code audio}
 * and {@code video} allow producing that kind; consuming needs no permission beyond joining),
 * {@code exp} (required), optionally {@code nbf} and {@code jti} (single use).
 */
public record JoinToken(String userId, String roomId, Set<String> permissions) {

    public static final String AUDIO = "audio";
    public static final String VIDEO = "video";

    /** RFC 7515 §4.1: the protected header, byte for byte as PyJWT and jsonwebtoken write it. */
    static final String HS256_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public JoinToken {
        permissions = Set.copyOf(new TreeSet<>(permissions));
    }

    public boolean mayProduce(String kind) {
        return permissions.contains(kind);
    }

    /** An HS256 JWT of these claims valid until {@code expiresAt}, as an application server signs one. */
    public String sign(byte[] secret, Instant expiresAt) {
        return sign(secret, expiresAt, null);
    }

    /**
     * An HS256 JWT (RFC 7515 §3.1 compact serialization) of these claims, single use when
     * {@code jti} is not null. The claims are written in the order PyJWT keeps them for the same
     * dict, so both produce the same bytes.
     */
    public String sign(byte[] secret, Instant expiresAt, String jti) {
        ObjectNode claims = SignalingJson.NODES.objectNode();
        claims.put("sub", userId);
        claims.put("room", roomId);
        ArrayNode granted = claims.putArray("permissions");
        new TreeSet<>(permissions).forEach(granted::add);
        claims.put("exp", expiresAt.getEpochSecond());
        if (jti != null) {
            claims.put("jti", jti);
        }
        String signingInput = base64url(HS256_HEADER) + "." + base64url(claims.toString());
        return signingInput + "." + BASE64URL.encodeToString(hmacSha256(secret, signingInput));
    }

    private static String base64url(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 7518 §3.2: HMAC-SHA256 over the ASCII signing input. */
    static byte[] hmacSha256(byte[] secret, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
