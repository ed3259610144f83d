package io.sluice.orchestrator.signaling;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where sessions survive the signaling server ({@link RedisSessionStore}); {@link #NONE} keeps
 * nothing, so a restart loses every session (the peers join again).
 */
interface SessionStore {

    SessionStore NONE = new SessionStore() {
        @Override
        public void save(SessionRecord record) {
        }

        @Override
        public void delete(String peerId) {
        }

        @Override
        public CompletableFuture<List<SessionRecord>> loadAll() {
            return CompletableFuture.completedFuture(List.of());
        }
    };

    /** Writes the session's current state; writes of one session reach the store in call order. */
    void save(SessionRecord record);

    void delete(String peerId);

    /** Every stored session (a server starting up restores them). */
    CompletableFuture<List<SessionRecord>> loadAll();
}
