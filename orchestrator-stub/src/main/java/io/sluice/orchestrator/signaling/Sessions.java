package io.sluice.orchestrator.signaling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The joined sessions of this signaling server by peer id, and what lets them outlive a WebSocket
 * (docs/signaling.md, "Resuming a session"): a session whose socket closed without {@code leave}
 * is detached, keeps its transports, producers and consumers (the media never stops) and waits
 * {@code resumeGrace} for its browser to {@code resume} on a new socket, then leaves. Sessions are
 * written to a {@link SessionStore}, and a server starting up restores every stored session as a
 * detached one ({@link #restoreAll}), so a restarted server resumes the peers of the one before.
 */
final class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder TOKEN_TEXT = Base64.getUrlEncoder().withoutPadding();

    private final SessionStore store;
    private final Duration resumeGrace;
    private final ScheduledExecutorService timers;
    private final ConcurrentMap<String, SignalingSession> byPeer = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> restored = CompletableFuture.completedFuture(null);
    private volatile boolean stopping;

    Sessions(SessionStore store, Duration resumeGrace, ScheduledExecutorService timers) {
        this.store = Objects.requireNonNull(store, "store");
        this.resumeGrace = Objects.requireNonNull(resumeGrace, "resumeGrace");
        this.timers = Objects.requireNonNull(timers, "timers");
    }

    SessionStore store() {
        return store;
    }

    /** A new resume token: 128 random bits, base64url. */
    static String newResumeToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return TOKEN_TEXT.encodeToString(bytes);
    }

    static String hash(String resumeToken) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(resumeToken.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    void joined(SignalingSession session) {
        byPeer.put(session.peerId(), session);
    }

    void left(SignalingSession session) {
        byPeer.remove(session.peerId(), session);
        store.delete(session.peerId());
    }

    /**
     * The server stops: sessions whose sockets close now stay in the store for the next server
     * (a rolling restart keeps the media flowing); without a store they leave at once.
     */
    void stop() {
        stopping = true;
    }

    /** The socket of a joined session closed without {@code leave}: it leaves unless resumed in time. */
    void detached(SignalingSession session) {
        if (stopping) {
            if (store == SessionStore.NONE) {
                session.leave();
            }
            return;
        }
        timers.schedule(() -> {
            if (session.isDetached() && byPeer.get(session.peerId()) == session) {
                log.info("peer {} did not resume within {} s: leaving", session.peerId(), resumeGrace.toSeconds());
                session.leave();
            }
        }, resumeGrace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The session a {@code resume} request names, once the stored sessions are restored: fails with
     * {@code NOT_FOUND} when there is none (it left, or its room moved: join again) and
     * {@code PERMISSION_DENIED} when the token does not match.
     */
    CompletableFuture<SignalingSession> find(String peerId, String resumeToken) {
        return restored.handle((ignored, failure) -> {
            SignalingSession session = byPeer.get(peerId);
            if (session == null) {
                throw new SignalingException(SignalingException.NOT_FOUND, "no session " + peerId + " to resume; join again");
            }
            if (!MessageDigest.isEqual(hash(resumeToken).getBytes(StandardCharsets.US_ASCII),
                    session.resumeTokenHash().getBytes(StandardCharsets.US_ASCII))) {
                throw new SignalingException(SignalingException.PERMISSION_DENIED, "wrong resume token");
            }
            return session;
        });
    }

    /**
     * Restores every stored session, room by room, as detached sessions waiting for their browsers;
     * a session whose room has another router now (its worker died meanwhile) is closed and dropped.
     * {@link #find} waits for this.
     */
    CompletableFuture<Void> restoreAll(Rooms rooms) {
        CompletableFuture<Void> all = rooms.ready().thenCompose(ready -> store.loadAll()).thenCompose(records -> {
            Map<String, List<SessionRecord>> byRoom = new LinkedHashMap<>();
            records.forEach(record -> byRoom.computeIfAbsent(record.roomId(), id -> new ArrayList<>()).add(record));
            List<CompletableFuture<Void>> restoring = new ArrayList<>();
            byRoom.forEach((roomId, roomRecords) -> restoring.add(rooms.restore(roomId, roomRecords, this)
                    .thenAccept(sessions -> sessions.forEach(session -> {
                        byPeer.put(session.peerId(), session);
                        detached(session);
                    }))
                    .exceptionally(failure -> {
                        log.warn("room {}: {} sessions not restored: {}", roomId, roomRecords.size(), failure.toString());
                        return null;
                    })));
            if (!records.isEmpty()) {
                log.info("restoring {} sessions of {} rooms", records.size(), byRoom.size());
            }
            return CompletableFuture.allOf(restoring.toArray(CompletableFuture[]::new));
        });
        restored = all;
        return all;
    }
}
