package io.sluice.orchestrator.signaling;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Whether a {@code join} may go ahead: the token verifies ({@link JoinTokenVerifier}) and is for
 * this room, its user holds fewer live sessions in the room than the limit, and a single-use token
 * ({@code jti}) is used for the first time. The limit is checked before the token id is spent, so a
 * join refused for the limit can be tried again with the same token.
 */
final class JoinAdmission {

    private final JoinTokenVerifier verifier;
    private final ReplayGuard replayGuard;
    private final Sessions sessions;
    private final int sessionsPerUser;

    JoinAdmission(JoinTokenVerifier verifier, ReplayGuard replayGuard, Sessions sessions) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.replayGuard = Objects.requireNonNull(replayGuard, "replayGuard");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.sessionsPerUser = sessions.limits().sessionsPerUser();
    }

    /**
     * The token's grant for {@code roomId}, with a session slot claimed for {@code peerId} (see
     * {@link Sessions#claimSlot}); fails with {@link SignalingException} {@code PERMISSION_DENIED}
     * (bad, expired, not yet valid, replayed or other room's token) or {@code RESOURCE_EXHAUSTED}
     * (session limit).
     */
    CompletableFuture<JoinToken> admit(String token, String roomId, String peerId) {
        JoinTokenVerifier.Verified verified = verifier.verify(token);
        JoinToken grant = verified.grant();
        if (!grant.roomId().equals(roomId)) {
            throw new SignalingException(SignalingException.PERMISSION_DENIED,
                    "the token is for room " + grant.roomId() + ", not " + roomId);
        }
        return sessions.claimSlot(peerId, grant, sessionsPerUser).thenCompose(claimed -> {
            if (verified.jti() == null) {
                return CompletableFuture.completedFuture(grant);
            }
            return replayGuard.firstUse(verified.jti(), verified.expiresAt().plus(verifier.clockSkew()))
                    .handle((first, failure) -> {
                        if (failure != null) {
                            // Fails closed: a single-use token is not let in unless its use is recorded.
                            throw new SignalingException(SignalingException.UNAVAILABLE,
                                    "single-use join tokens cannot be checked now (Redis unreachable); try again");
                        }
                        if (!first) {
                            throw new SignalingException(SignalingException.PERMISSION_DENIED,
                                    "join token replayed: its jti was already used");
                        }
                        return grant;
                    });
        });
    }
}
