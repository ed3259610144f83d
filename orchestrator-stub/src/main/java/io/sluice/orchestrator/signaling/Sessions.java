package io.sluice.orchestrator.signaling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The joined sessions of this signaling server by peer id, and what lets them outlive a WebSocket
 * and a server (docs/signaling.md, "Resuming a session"): a session whose socket closed without
 * {@code leave} is detached, keeps its transports, producers and consumers (the media never stops)
 * and waits {@code resumeGrace} for its browser to {@code resume} on a new socket, then leaves.
 * Sessions are written to a {@link SessionStore} under this server's id, which the store knows
 * alive while the server runs; the sessions of a server that is gone (killed, restarted, stopped
 * in a rolling restart) are adopted by another: restored detached, on their room's router, when
 * their browser resumes here or when the periodic sweep finds them.
 */
final class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder TOKEN_TEXT = Base64.getUrlEncoder().withoutPadding();
    private static final Duration ALIVE_INTERVAL = Duration.ofSeconds(1);
    /** How often stored sessions of servers that are gone are looked for. */
    private static final Duration ADOPT_INTERVAL = Duration.ofSeconds(5);
    /** A resume of a session whose server still looks alive waits this long for its liveness to lapse. */
    private static final Duration OWNER_LAPSE = RedisSessionStore.STUB_LEASE.plusSeconds(1);

    private final SessionStore store;
    private final Duration resumeGrace;
    private final ScheduledExecutorService timers;
    private final String stubId = UUID.randomUUID().toString();
    private final ConcurrentMap<String, SignalingSession> byPeer = new ConcurrentHashMap<>();
    /** Peers between admission and joined, with their grants: they count against the session limit. */
    private final Map<String, JoinToken> joining = new ConcurrentHashMap<>();
    private final SignalingLimits limits;
    private volatile CompletableFuture<Void> firstAdoption = CompletableFuture.completedFuture(null);
    private volatile boolean stopping;
    private Rooms rooms;

    Sessions(SessionStore store, Duration resumeGrace, ScheduledExecutorService timers, SignalingLimits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.resumeGrace = Objects.requireNonNull(resumeGrace, "resumeGrace");
        this.timers = Objects.requireNonNull(timers, "timers");
    }

    SignalingLimits limits() {
        return limits;
    }

    SessionStore store() {
        return store;
    }

    /** This server's id in the store (a new one every start). */
    String stubId() {
        return stubId;
    }

    /**
     * Marks this server alive now and every second, and adopts the stored sessions of servers
     * that are gone once placement knows the live workers, then every 5 s.
     */
    void start(Rooms rooms) {
        this.rooms = rooms;
        if (store == SessionStore.NONE) {
            return;
        }
        store.markAlive(stubId);
        timers.scheduleAtFixedRate(() -> store.markAlive(stubId), ALIVE_INTERVAL.toMillis(), ALIVE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        firstAdoption = rooms.ready().thenCompose(ready -> adoptOrphans());
        timers.scheduleWithFixedDelay(() -> adoptOrphans().exceptionally(failure -> {
            log.warn("adopting sessions failed: {}", failure.toString());
            return null;
        }), ADOPT_INTERVAL.toMillis(), ADOPT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
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
        joining.remove(session.peerId());
    }

    /**
     * Claims one of {@code grant}'s user's {@code limit} session slots in its room for the joining
     * {@code peerId}: fails with {@code RESOURCE_EXHAUSTED} when the user already holds {@code limit}
     * live sessions there (attached, or detached waiting for a resume), counted on this server
     * (joined or joining) and, through the store, on the others. The claim ends when the peer has
     * joined ({@link #joined}) or {@link #releaseClaim}. Two joins racing on two servers may both
     * get a slot: the limit bounds abuse, not exactness.
     */
    CompletableFuture<Void> claimSlot(String peerId, JoinToken grant, int limit) {
        // Without the store (Redis unreachable) the limit holds for this server's sessions only:
        // joins keep working through an outage.
        return store.loadRoom(grant.roomId()).exceptionally(failure -> {
            log.warn("session limit of room {} counted on this server only: {}", grant.roomId(), failure.toString());
            return List.of();
        }).thenAccept(records -> {
            synchronized (joining) {
                Set<String> peers = new HashSet<>();
                records.stream().filter(record -> record.userId().equals(grant.userId()))
                        .forEach(record -> peers.add(record.peerId()));
                byPeer.values().stream().filter(session -> session.isOf(grant.userId(), grant.roomId()))
                        .forEach(session -> peers.add(session.peerId()));
                joining.forEach((peer, claim) -> {
                    if (claim.userId().equals(grant.userId()) && claim.roomId().equals(grant.roomId())) {
                        peers.add(peer);
                    }
                });
                if (peers.size() >= limit) {
                    throw new SignalingException(SignalingException.RESOURCE_EXHAUSTED, "user " + grant.userId()
                            + " already has " + peers.size() + " sessions in room " + grant.roomId()
                            + " (limit " + limit + ")");
                }
                joining.put(peerId, grant);
            }
        });
    }

    void releaseClaim(String peerId) {
        joining.remove(peerId);
    }

    boolean isLocal(String peerId) {
        return byPeer.containsKey(peerId);
    }

    void left(SignalingSession session, String roomId) {
        byPeer.remove(session.peerId(), session);
        store.delete(session.peerId(), roomId);
    }

    /**
     * The server stops: sessions whose sockets close now stay in the store, and the store hears
     * at once that this server is gone, so another adopts them (a rolling restart keeps the media
     * flowing); without a store they leave at once.
     */
    void stop() {
        stopping = true;
        store.markGone(stubId);
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
     * The session a {@code resume} request names: this server's, or a stored one of a server that
     * is gone (adopted now). Fails with {@code NOT_FOUND} when there is none (it left, its room
     * moved, or a live server holds it: join again) and {@code PERMISSION_DENIED} when the token
     * does not match.
     */
    CompletableFuture<SignalingSession> find(String peerId, String resumeToken) {
        return firstAdoption.handle((ignored, failure) -> null)
                .thenCompose(ignored -> {
                    SignalingSession local = byPeer.get(peerId);
                    return local != null ? CompletableFuture.completedFuture(Optional.of(local)) : adopt(peerId);
                })
                .thenApply(found -> {
                    SignalingSession session = found.orElseThrow(() -> new SignalingException(
                            SignalingException.NOT_FOUND, "no session " + peerId + " to resume; join again"));
                    if (!MessageDigest.isEqual(hash(resumeToken).getBytes(StandardCharsets.US_ASCII),
                            session.resumeTokenHash().getBytes(StandardCharsets.US_ASCII))) {
                        throw new SignalingException(SignalingException.PERMISSION_DENIED, "wrong resume token");
                    }
                    return session;
                });
    }

    /** The stored session of a server that is gone, or that lapses within {@link #OWNER_LAPSE}, restored here. */
    private CompletableFuture<Optional<SignalingSession>> adopt(String peerId) {
        return store.load(peerId).thenCompose(record -> {
            if (record.isEmpty() || record.get().stubId().equals(stubId)) {
                return CompletableFuture.completedFuture(Optional.<SignalingSession>empty());
            }
            return ownerGone(record.get().stubId(), System.nanoTime() + OWNER_LAPSE.toNanos()).thenCompose(gone -> gone
                    ? restore(record.get().roomId(), List.of(record.get()))
                            .thenApply(restored -> Optional.ofNullable(byPeer.get(peerId)))
                    : CompletableFuture.completedFuture(Optional.<SignalingSession>empty()));
        });
    }

    /** True once the server's liveness lapsed; false when it still lives at {@code deadline}. */
    private CompletableFuture<Boolean> ownerGone(String owner, long deadline) {
        return store.isAlive(owner).thenCompose(alive -> {
            if (!alive) {
                return CompletableFuture.completedFuture(true);
            }
            if (System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(false);
            }
            CompletableFuture<Boolean> later = new CompletableFuture<>();
            timers.schedule(() -> ownerGone(owner, deadline).whenComplete((gone, failure) -> {
                if (failure != null) {
                    later.completeExceptionally(failure);
                } else {
                    later.complete(gone);
                }
            }), 250, TimeUnit.MILLISECONDS);
            return later;
        });
    }

    /**
     * Restores every stored session whose server is gone, room by room, as detached sessions
     * waiting for their browsers; a session whose room has another router now (its worker died
     * meanwhile) is closed and dropped.
     */
    CompletableFuture<Void> adoptOrphans() {
        return store.loadAll().thenCompose(records -> {
            List<SessionRecord> foreign = records.stream()
                    .filter(record -> !record.stubId().equals(stubId) && !byPeer.containsKey(record.peerId())).toList();
            Map<String, CompletableFuture<Boolean>> owners = new LinkedHashMap<>();
            foreign.forEach(record -> owners.computeIfAbsent(record.stubId(), store::isAlive));
            return CompletableFuture.allOf(owners.values().toArray(CompletableFuture[]::new)).thenCompose(checked -> {
                Map<String, List<SessionRecord>> byRoom = new LinkedHashMap<>();
                foreign.stream().filter(record -> !owners.get(record.stubId()).join())
                        .forEach(record -> byRoom.computeIfAbsent(record.roomId(), id -> new ArrayList<>()).add(record));
                List<CompletableFuture<Void>> restoring = new ArrayList<>();
                byRoom.forEach((roomId, roomRecords) -> restoring.add(restore(roomId, roomRecords)));
                return CompletableFuture.allOf(restoring.toArray(CompletableFuture[]::new));
            });
        });
    }

    private CompletableFuture<Void> restore(String roomId, List<SessionRecord> records) {
        log.info("adopting {} sessions of room {} from a signaling server that is gone", records.size(), roomId);
        return rooms.restore(roomId, records)
                .thenAccept(sessions -> sessions.forEach(session -> {
                    session.persist();
                    detached(session);
                }))
                .exceptionally(failure -> {
                    log.warn("room {}: {} sessions not adopted: {}", roomId, records.size(), failure.toString());
                    return null;
                });
    }
}
