package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks join tokens (docs/signaling.md, "Join tokens"): JWTs in the JWS compact serialization
 * (RFC 7519 §7.2, RFC 7515 §5.2) signed with the one algorithm this verifier was made for, HS256
 * with the shared secret or RS256 / EdDSA (Ed25519) with a public key. The header's {@code alg}
 * must name exactly that algorithm, so {@code none} and algorithm confusion (an HS256 token
 * "signed" with the RSA public key) are refused. {@code exp} is required; {@code exp} and
 * {@code nbf} are compared with the injected clock, allowing {@code clockSkew} either way.
 */
public final class JoinTokenVerifier {

    /** A token and its claims are small; anything larger is refused before it is decoded. */
    static final int MAX_TOKEN_CHARS = 8192;
    private static final int MIN_RSA_BITS = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    /** RFC 7518 §3.1 names; EdDSA is RFC 8037 §3.1 (Ed25519 keys only, here). */
    public enum Algorithm { HS256, RS256, EdDSA }

    /** A token that passed every check: its grant, its {@code jti} (null if none) and expiry. */
    public record Verified(JoinToken grant, String jti, Instant expiresAt) {
    }

    private final Algorithm algorithm;
    private final byte[] secret;
    private final PublicKey publicKey;
    private final InstantSource clock;
    private final Duration clockSkew;

    private JoinTokenVerifier(Algorithm algorithm, byte[] secret, PublicKey publicKey, InstantSource clock,
            Duration clockSkew) {
        this.algorithm = algorithm;
        this.secret = secret;
        this.publicKey = publicKey;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
    }

    /** HS256 tokens signed with {@code secret} (JOIN_SECRET). */
    public static JoinTokenVerifier hs256(byte[] secret, InstantSource clock, Duration clockSkew) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("the join secret is empty");
        }
        return new JoinTokenVerifier(Algorithm.HS256, secret.clone(), null, clock, clockSkew);
    }

    /**
     * Tokens signed with the private half of {@code key}: RS256 for an RSA key (2048 bits or
     * more), EdDSA for an Ed25519 key.
     */
    public static JoinTokenVerifier publicKey(PublicKey key, InstantSource clock, Duration clockSkew) {
        Algorithm algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> Algorithm.RS256;
            case "Ed25519", "EdDSA" -> Algorithm.EdDSA;
            default -> throw new IllegalArgumentException(
                    "join tokens are verified with RSA or Ed25519 keys, not " + key.getAlgorithm());
        };
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("the RSA key has " + rsa.getModulus().bitLength()
                    + " bits; join tokens need at least " + MIN_RSA_BITS);
        }
        if (key instanceof EdECPublicKey edwards && !edwards.getParams().getName().equals("Ed25519")) {
            throw new IllegalArgumentException("EdDSA join tokens need an Ed25519 key, not "
                    + edwards.getParams().getName());
        }
        return new JoinTokenVerifier(algorithm, null, key, clock, clockSkew);
    }

    /** The public key of a PEM file holding an X.509 SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", RFC 7468 §13). */
    public static PublicKey readPublicKey(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = text.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(pem + ": no \"BEGIN PUBLIC KEY\" block");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 26, end));
        for (String keyAlgorithm : new String[] {"RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisKind) {
                // The next kind is tried; the file says which it is only inside the DER.
            }
        }
        throw new IllegalArgumentException(pem + ": neither an RSA nor an Ed25519 public key");
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    InstantSource clock() {
        return clock;
    }

    Duration clockSkew() {
        return clockSkew;
    }

    /**
     * The token's claims when it passes every check.
     *
     * @throws SignalingException {@code PERMISSION_DENIED} saying what is wrong with it
     */
    public Verified verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            throw denied("malformed");
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        if (firstDot <= 0 || lastDot == firstDot || token.indexOf('.', firstDot + 1) != lastDot) {
            throw denied("malformed (expected header.payload.signature)");
        }
        JsonNode header = json(token.substring(0, firstDot), "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !alg.asText().equals(algorithm.name())) {
            throw denied("algorithm " + (alg == null ? "missing" : alg.toString()) + " refused; expected "
                    + algorithm.name());
        }
        JsonNode typ = header.get("typ");
        if (typ != null && !(typ.isTextual() && typ.asText().equalsIgnoreCase("JWT"))) {
            throw denied("typ " + typ + " is not JWT");
        }
        // RFC 7515 §4.1.11: a critical extension this verifier does not implement must be refused.
        if (header.has("crit")) {
            throw denied("critical header parameters are not supported");
        }
        if (!signatureValid(token.substring(0, lastDot), decode(token.substring(lastDot + 1), "signature"))) {
            throw denied("bad signature");
        }
        return claims(json(token.substring(firstDot + 1, lastDot), "payload"));
    }

    private Verified claims(JsonNode claims) {
        JsonNode sub = claims.get("sub");
        JsonNode room = claims.get("room");
        if (sub == null || !sub.isTextual() || room == null || !room.isTextual()) {
            throw denied("sub and room must be strings");
        }
        Set<String> granted = new TreeSet<>();
        JsonNode permissions = claims.get("permissions");
        if (permissions != null) {
            if (!permissions.isArray()) {
                throw denied("permissions must be a list");
            }
            for (JsonNode permission : permissions) {
                if (!permission.isTextual()) {
                    throw denied("permissions must be strings");
                }
                granted.add(permission.asText());
            }
        }
        Instant now = clock.instant();
        // RFC 7519 §4.1.4 and §4.1.5, with the leeway the RFC allows for clock skew.
        Instant expiresAt = numericDate(claims, "exp");
        if (expiresAt == null) {
            throw denied("exp is required");
        }
        if (now.isAfter(expiresAt.plus(clockSkew))) {
            throw denied("expired at " + expiresAt);
        }
        Instant notBefore = numericDate(claims, "nbf");
        if (notBefore != null && now.plus(clockSkew).isBefore(notBefore)) {
            throw denied("not valid before " + notBefore);
        }
        JsonNode jti = claims.get("jti");
        if (jti != null && (!jti.isTextual() || jti.asText().isEmpty())) {
            throw denied("jti must be a non-empty string");
        }
        return new Verified(new JoinToken(sub.asText(), room.asText(), granted), jti == null ? null : jti.asText(),
                expiresAt);
    }

    /** RFC 7519 §2 NumericDate: seconds since the epoch, possibly fractional; null when absent. */
    private static Instant numericDate(JsonNode claims, String name) {
        JsonNode value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue()))) {
            throw denied(name + " must be a number of seconds");
        }
        BigDecimal seconds = value.decimalValue();
        if (seconds.abs().compareTo(BigDecimal.valueOf(Instant.MAX.getEpochSecond() / 2)) > 0) {
            throw denied(name + " is out of range");
        }
        return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
    }

    private boolean signatureValid(String signingInput, byte[] signature) {
        try {
            return switch (algorithm) {
                // Constant-time comparison: the check must not leak how many bytes matched.
                case HS256 -> MessageDigest.isEqual(JoinToken.hmacSha256(secret, signingInput), signature);
                case RS256 -> verifySignature("SHA256withRSA", signingInput, signature);
                case EdDSA -> verifySignature("Ed25519", signingInput, signature);
            };
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private boolean verifySignature(String jcaName, String signingInput, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(jcaName);
        verifier.initVerify(publicKey);
        verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(signature);
    }

    private static JsonNode json(String part, String what) {
        try {
            JsonNode node = JSON.readTree(decode(part, what));
            if (node == null || !node.isObject()) {
                throw denied(what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw denied(what + " is not JSON");
        }
    }

    private static byte[] decode(String part, String what) {
        try {
            return BASE64URL.decode(part);
        } catch (IllegalArgumentException e) {
            throw denied(what + " is not base64url");
        }
    }

    private static SignalingException denied(String reason) {
        return new SignalingException(SignalingException.PERMISSION_DENIED, "invalid join token: " + reason);
    }
}
