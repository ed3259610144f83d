package io.sluice.orchestrator.signaling;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where sessions survive the signaling server and are seen by the other servers of a room
 * ({@link RedisSessionStore}); {@link #NONE} keeps nothing, so a restart loses every session (the
 * peers join again) and a room has one server.
 */
interface SessionStore {

    SessionStore NONE = new SessionStore() {
        @Override
        public void save(SessionRecord record) {
        }

        @Override
        public void delete(String peerId, String roomId) {
        }

        @Override
        public CompletableFuture<List<SessionRecord>> loadAll() {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<List<SessionRecord>> loadRoom(String roomId) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<Optional<SessionRecord>> load(String peerId) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public void markAlive(String stubId) {
        }

        @Override
        public void markGone(String stubId) {
        }

        @Override
        public CompletableFuture<Boolean> isAlive(String stubId) {
            return CompletableFuture.completedFuture(false);
        }
    };

    /** Writes the session's current state; writes of one session reach the store in call order. */
    void save(SessionRecord record);

    void delete(String peerId, String roomId);

    /** Every stored session (a server starting up restores those whose server is gone). */
    CompletableFuture<List<SessionRecord>> loadAll();

    /** The stored sessions of one room, whichever server holds them. */
    CompletableFuture<List<SessionRecord>> loadRoom(String roomId);

    CompletableFuture<Optional<SessionRecord>> load(String peerId);

    /** Says that the server {@code stubId} runs, for a few seconds; call it every second or two. */
    void markAlive(String stubId);

    /** The server stops: its sessions are free for another server to take over at once. */
    void markGone(String stubId);

    CompletableFuture<Boolean> isAlive(String stubId);
}
