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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each room on one router: the first {@link #placeRoom(String)} creates a router on the least
 * loaded live worker, later calls for the room return the same router until it closes or its
 * worker disappears. Register it as a {@link RouterEventListener} and a
 * {@link WorkerDirectory.Listener} so that it forgets rooms whose router is gone.
 */
public final class RoomPlacement implements RouterEventListener, WorkerDirectory.Listener {

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
    private final List<RtpCodecCapability> mediaCodecs;
    // One placement per room at a time: concurrent callers for a room share its future.
    private final ConcurrentMap<String, CompletableFuture<RouterClient>> placing = new ConcurrentHashMap<>();

    public RoomPlacement(WorkerDirectory directory, SluiceRequester requester, RoomAssignments assignments,
            List<RtpCodecCapability> mediaCodecs) {
        this.directory = directory;
        this.requester = requester;
        this.assignments = assignments;
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
        CompletableFuture<RouterClient> placement = placing.computeIfAbsent(roomId, this::createRouterFor);
        placement.whenComplete((router, failure) -> placing.remove(roomId, placement));
        return placement;
    }

    public Optional<RoomAssignment> assignment(String roomId) {
        return assignments.get(roomId);
    }

    /** The live worker a new room goes to, if any. */
    public Optional<WorkerInfo> leastLoadedWorker() {
        return directory.liveWorkers().stream().min(LEAST_LOADED);
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
                .thenCompose(router -> directory.noteRouterCreated(workerId).thenApply(ignored -> {
                    assignments.put(new RoomAssignment(roomId, workerId, router.id()));
                    log.info("room {} placed on worker {} as router {}", roomId, workerId, router.id());
                    return router;
                }));
    }

    @Override
    public void onRouterClosed(String workerId, String routerId, RouterClosed.Reason reason) {
        for (RoomAssignment assignment : assignments.all()) {
            if (assignment.routerId().equals(routerId)) {
                assignments.remove(assignment.roomId(), routerId);
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
                assignments.remove(assignment.roomId(), assignment.routerId());
            }
        }
    }
}
