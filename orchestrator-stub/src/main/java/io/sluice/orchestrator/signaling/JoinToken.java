package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a peer may do in one room, signed by the application with the shared secret JOIN_SECRET:
 * {@code base64url(payload) "." base64url(HMAC-SHA256(secret, payload))}, where the payload is the
 * JSON {@code {"userId":..,"roomId":..,"permissions":[..]}} (RFC 2104 HMAC, RFC 4648 §5 base64url
 * without padding). Permissions: {@code audio} and {@code video} allow producing that kind;
 * consuming needs no permission beyond joining.
 */
public record JoinToken(String userId, String roomId, Set<String> permissions) {

    public static final String AUDIO = "audio";
    public static final String VIDEO = "video";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    public JoinToken {
        permissions = Set.copyOf(new TreeSet<>(permissions));
    }

    public boolean mayProduce(String kind) {
        return permissions.contains(kind);
    }

    /** The signed token text, as an application server hands it to a browser. */
    public String sign(byte[] secret) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("userId", userId);
        payload.put("roomId", roomId);
        ArrayNode granted = payload.putArray("permissions");
        new TreeSet<>(permissions).forEach(granted::add);
        byte[] payloadBytes = payload.toString().getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payloadBytes) + "." + ENCODER.encodeToString(hmac(secret, payloadBytes));
    }

    /** The token's claims when its signature is valid and its payload well formed; empty otherwise. */
    public static Optional<JoinToken> verify(String token, byte[] secret) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] payloadBytes;
        byte[] signature;
        try {
            payloadBytes = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Constant-time comparison: the signature check must not leak how many bytes matched.
        if (!MessageDigest.isEqual(hmac(secret, payloadBytes), signature)) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JSON.readTree(payloadBytes);
            JsonNode userId = payload.get("userId");
            JsonNode roomId = payload.get("roomId");
            JsonNode permissions = payload.get("permissions");
            if (userId == null || !userId.isTextual() || roomId == null || !roomId.isTextual()
                    || permissions == null || !permissions.isArray()) {
                return Optional.empty();
            }
            Set<String> granted = new TreeSet<>();
            for (JsonNode permission : permissions) {
                if (!permission.isTextual()) {
                    return Optional.empty();
                }
                granted.add(permission.asText());
            }
            return Optional.of(new JoinToken(userId.asText(), roomId.asText(), granted));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] hmac(byte[] secret, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
