package io.sluice.orchestrator.placement;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.RouterClosed;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.client.RouterEventListener;
import io.sluice.orchestrator.client.SluiceRequestException;
import io.sluice.orchestrator.client.SluiceRequester;
import io.sluice.orchestrator.client.WorkerClient;
import io.sluice.orchestrator.discovery.WorkerDirectory;
import io.sluice.orchestrator.discovery.WorkerInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each room on one router: the first {@link #placeRoom(String)} creates a router on the least
 * loaded live worker, later calls for the room return the same router until it closes or its
 * worker disappears. Register it as a {@link RouterEventListener} and a
 * {@link WorkerDirectory.Listener} so that it forgets rooms whose router is gone.
 *
 * <p>With a shared {@link RoomAssignmentStore} (Redis), a room placed by another orchestrator, or
 * by this one before it restarted, is found there and kept when its worker is live and its router
 * answers {@code router.dump}; a stale entry is released and the room placed anew. Two
 * orchestrators placing one room at once both create a router, but only the first claim stands:
 * the other closes its router and uses the winner's.
 */
public final class RoomPlacement implements RouterEventListener, WorkerDirectory.Listener {

    /**
     * Told when a placed room's router went away (its worker died or closed it); the room is
     * forgotten already, so the next {@link #placeRoom} creates a router elsewhere. Must not block.
     */
    @FunctionalInterface
    public interface RouterLostListener {
        /**
         * @param reason why, as the {@code reconnect} notification tells the browsers
         *     (docs/signaling.md): {@code workerDied}, {@code workerDraining}, {@code workerClosed} or
         *     {@code routerClosed}
         */
        void onRouterLost(RoomAssignment lost, String reason);
    }

    /** A worker whose reported loop utilization is this high or more takes no spread room's router. */
    public static final double SPREAD_LOOP_UTILIZATION_CEILING = 0.8;

    /**
     * Fewest routers plus transports first, then the least busy loop, then the worker id, so that
     * equal workers are chosen in a stable order.
     */
    public static final Comparator<WorkerInfo> LEAST_LOADED = Comparator
            .comparingInt(WorkerInfo::routersAndTransports)
            .thenComparingDouble(worker -> worker.load().getLoopUtilization())
            .thenComparing(WorkerInfo::workerId);

    private static final Logger log = LoggerFactory.getLogger(RoomPlacement.class);

    private final WorkerDirectory directory;
    private final SluiceRequester requester;
    private final RoomAssignments assignments;
    private final RoomAssignmentStore store;
    private final List<RtpCodecCapability> mediaCodecs;
    // One placement per room at a time: concurrent callers for a room share its future.
    private final ConcurrentMap<String, CompletableFuture<RouterClient>> placing = new ConcurrentHashMap<>();
    private final List<RouterLostListener> routerLostListeners = new CopyOnWriteArrayList<>();
    /** Peers of one room a signaling server puts on one worker before it spreads the room (docs/signaling.md). */
    private volatile int roomPeersPerWorker = Integer.MAX_VALUE;

    /** Placement in this process alone ({@link RoomAssignmentStore#NONE}). */
    public RoomPlacement(WorkerDirectory directory, SluiceRequester requester, RoomAssignments assignments,
            List<RtpCodecCapability> mediaCodecs) {
        this(directory, requester, assignments, RoomAssignmentStore.NONE, mediaCodecs);
    }

    /**
     * @param assignments this process's rooms (a cache of the store's entries it uses)
     * @param store       where assignments are shared and survive a restart
     */
    public RoomPlacement(WorkerDirectory directory, SluiceRequester requester, RoomAssignments assignments,
            RoomAssignmentStore store, List<RtpCodecCapability> mediaCodecs) {
        this.directory = directory;
        this.requester = requester;
        this.assignments = assignments;
        this.store = store;
        this.mediaCodecs = List.copyOf(mediaCodecs);
    }

    /**
     * The room's router, created on the least loaded live worker when the room has none. Fails
     * with {@link SluiceRequestException} ({@code UNAVAILABLE} when no worker is live, or the
     * worker's own error).
     */
    public CompletableFuture<RouterClient> placeRoom(String roomId) {
        Optional<RoomAssignment> known = assignments.get(roomId);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(
                    new WorkerClient(requester, known.get().workerId()).router(known.get().routerId()));
        }
        CompletableFuture<RouterClient> placement = placing.computeIfAbsent(roomId, this::restoreOrCreate);
        placement.whenComplete((router, failure) -> placing.remove(roomId, placement));
        return placement;
    }

    /**
     * Completes once the worker directory has read the registry: a server that just started knows
     * the live workers then, so a stored room on a live worker is kept rather than placed anew.
     */
    public CompletableFuture<Void> ready() {
        return directory.refresh().thenApply(workers -> null);
    }

    /** A client of a router known by its ids (one a stored session names, which may be gone). */
    public RouterClient router(String workerId, String routerId) {
        return new WorkerClient(requester, workerId).router(routerId);
    }

    public void addRouterLostListener(RouterLostListener listener) {
        routerLostListeners.add(listener);
    }

    public Optional<RoomAssignment> assignment(String roomId) {
        return assignments.get(roomId);
    }

    /** The live worker a new room goes to, if any: never a draining one. */
    public Optional<WorkerInfo> leastLoadedWorker() {
        return directory.liveWorkers().stream().filter(worker -> !worker.draining()).min(LEAST_LOADED);
    }

    /**
     * Spreads a room over more workers once this many of its peers (on one signaling server) are on
     * one worker; {@link Integer#MAX_VALUE} (the default) keeps every room on its one router.
     */
    public void spreadRoomsBeyond(int peersPerWorker) {
        if (peersPerWorker < 1) {
            throw new IllegalArgumentException("peersPerWorker must be at least 1, not " + peersPerWorker);
        }
        this.roomPeersPerWorker = peersPerWorker;
    }

    public int roomPeersPerWorker() {
        return roomPeersPerWorker;
    }

    /** What the registry last said of a worker (for the room dump's load). */
    public Optional<WorkerInfo> worker(String workerId) {
        return directory.find(workerId);
    }

    /**
     * One more router for a room that is full on the workers it has: on the least loaded live
     * worker that does not drain, is not one of {@code usedWorkers}, and whose loop is below
     * {@link #SPREAD_LOOP_UTILIZATION_CEILING}. It is not claimed in the store (the room's
     * assignment names its first router only) and has no active speaker observer: the room's audio
     * producers are piped to the first router, whose observer hears them. Empty when no worker fits.
     */
    public CompletableFuture<Optional<RouterClient>> createSpreadRouter(String roomId, java.util.Set<String> usedWorkers) {
        Optional<WorkerInfo> chosen = directory.liveWorkers().stream()
                .filter(worker -> !worker.draining() && !usedWorkers.contains(worker.workerId()))
                .filter(worker -> worker.load().getLoopUtilization() < SPREAD_LOOP_UTILIZATION_CEILING)
                .min(LEAST_LOADED);
        if (chosen.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String workerId = chosen.get().workerId();
        return new WorkerClient(requester, workerId)
                .createRouter(mediaCodecs, roomId, "spread-room:" + roomId + ":" + UUID.randomUUID())
                .thenCompose(router -> directory.noteRouterCreated(workerId).thenApply(ignored -> {
                    log.info("room {} spreads to worker {} as router {}", roomId, workerId, router.id());
                    return Optional.of(router);
                }));
    }

    /** The store's assignment of the room when it still holds, else a new router. */
    private CompletableFuture<RouterClient> restoreOrCreate(String roomId) {
        return store.find(roomId).thenCompose(found -> found.isPresent()
                ? restore(found.get())
                : createRouterFor(roomId));
    }

    private CompletableFuture<RouterClient> restore(RoomAssignment stored) {
        if (directory.find(stored.workerId()).filter(worker -> !worker.draining()).isEmpty()) {
            log.info("room {}: its stored router {} was on worker {}, which is not live or drains; placing it again",
                    stored.roomId(), stored.routerId(), stored.workerId());
            return releaseAndCreate(stored);
        }
        RouterClient router = new WorkerClient(requester, stored.workerId()).router(stored.routerId());
        return router.dump().handle((dump, failure) -> {
            if (failure == null) {
                assignments.put(stored);
                log.info("room {} restored: router {} on worker {}", stored.roomId(), stored.routerId(),
                        stored.workerId());
                return CompletableFuture.completedFuture(router);
            }
            Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
            if (cause instanceof SluiceRequestException e && e.code() == ErrorCode.NOT_FOUND) {
                log.info("room {}: its stored router {} is gone; placing it again", stored.roomId(), stored.routerId());
                return releaseAndCreate(stored);
            }
            return CompletableFuture.<RouterClient>failedFuture(cause);
        }).thenCompose(next -> next);
    }

    private CompletableFuture<RouterClient> releaseAndCreate(RoomAssignment stale) {
        return store.release(stale.roomId(), stale.routerId()).thenCompose(released -> createRouterFor(stale.roomId()));
    }

    private CompletableFuture<RouterClient> createRouterFor(String roomId) {
        Optional<WorkerInfo> chosen = leastLoadedWorker();
        if (chosen.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new SluiceRequestException(ErrorCode.UNAVAILABLE, "no live worker to place room " + roomId));
        }
        String workerId = chosen.get().workerId();
        // A fresh key per placement: a retry of this creation is idempotent, while a room that
        // comes back after its router closed gets a new router, not the closed one's reply.
        String idempotencyKey = "place-room:" + roomId + ":" + UUID.randomUUID();
        return new WorkerClient(requester, workerId).createRouter(mediaCodecs, roomId, idempotencyKey)
                .thenCompose(RoomPlacement::withActiveSpeakerObserver)
                .thenCompose(router -> directory.noteRouterCreated(workerId)
                        .thenCompose(ignored -> store.claim(new RoomAssignment(roomId, workerId, router.id())))
                        .thenApply(standing -> {
                            assignments.put(standing);
                            if (standing.routerId().equals(router.id())) {
                                log.info("room {} placed on worker {} as router {}", roomId, workerId, router.id());
                                return router;
                            }
                            log.info("room {} was placed meanwhile as router {} on worker {}; closing router {}",
                                    roomId, standing.routerId(), standing.workerId(), router.id());
                            router.close().exceptionally(failure -> {
                                log.warn("router {} not closed: {}", router.id(), failure.toString());
                                return null;
                            });
                            return new WorkerClient(requester, standing.workerId()).router(standing.routerId());
                        }));
    }

    /**
     * A room's router gets its active speaker observer before the room is claimed, so every
     * signaling server of the room finds that one (docs/signaling.md "Dominant speaker"). A worker
     * that refuses costs the room its speaker highlight, not its placement.
     */
    private static CompletableFuture<RouterClient> withActiveSpeakerObserver(RouterClient router) {
        return router.createActiveSpeakerObserver().handle((observer, failure) -> {
            if (failure != null) {
                log.warn("router {}: no active speaker observer: {}", router.id(), failure.toString());
            }
            return router;
        });
    }

    /**
     * Claims every room this stub holds in the store again (a Redis that restarted without
     * persistence has lost them; a claim that finds the room's key keeps it). Call it every
     * second or so: one Redis script per room.
     */
    public void reclaimStoredAssignments() {
        for (RoomAssignment assignment : assignments.all()) {
            store.claim(assignment).whenComplete((standing, failure) -> {
                if (standing != null && !standing.routerId().equals(assignment.routerId())) {
                    log.warn("room {}: the store names router {} on worker {}, this stub router {}", assignment.roomId(),
                            standing.routerId(), standing.workerId(), assignment.routerId());
                }
            });
        }
    }

    /** Forgets the room and tells the listeners, who move its peers. */
    private void lose(RoomAssignment assignment, String reason) {
        forget(assignment);
        for (RouterLostListener listener : routerLostListeners) {
            try {
                listener.onRouterLost(assignment, reason);
            } catch (RuntimeException e) {
                log.error("router lost listener failed", e);
            }
        }
    }

    /** Forgets the room here and in the store, if it still names the router. */
    private void forget(RoomAssignment assignment) {
        assignments.remove(assignment.roomId(), assignment.routerId());
        store.release(assignment.roomId(), assignment.routerId()).exceptionally(failure -> {
            log.warn("room {}: stored assignment not released: {}", assignment.roomId(), failure.toString());
            return false;
        });
    }

    @Override
    public void onRouterClosed(String workerId, String routerId, RouterClosed.Reason reason) {
        for (RoomAssignment assignment : assignments.all()) {
            if (assignment.routerId().equals(routerId)) {
                lose(assignment, reason == RouterClosed.Reason.WORKER_CLOSED ? "workerClosed" : "routerClosed");
            }
        }
    }

    /**
     * Moves every room off the draining worker: the peers reconnect to the room's next router,
     * then the old router is closed, so the worker empties and its process exits.
     */
    @Override
    public void onWorkerDraining(WorkerInfo worker) {
        for (RoomAssignment assignment : assignments.all()) {
            if (assignment.workerId().equals(worker.workerId())) {
                lose(assignment, "workerDraining");
                new WorkerClient(requester, assignment.workerId()).router(assignment.routerId()).close()
                        .exceptionally(failure -> {
                            log.warn("router {} on draining worker {} not closed: {}", assignment.routerId(),
                                    assignment.workerId(), failure.toString());
                            return null;
                        });
            }
        }
    }

    @Override
    public void onWorkerAppeared(WorkerInfo worker) {
        // A new worker takes new rooms through the directory; nothing to forget.
    }

    @Override
    public void onWorkerDisappeared(WorkerInfo lastKnown) {
        for (RoomAssignment assignment : assignments.all()) {
            if (assignment.workerId().equals(lastKnown.workerId())) {
                log.warn("room {} lost its router {}: worker {} disappeared", assignment.roomId(),
                        assignment.routerId(), lastKnown.workerId());
                lose(assignment, "workerDied");
            }
        }
    }
}
