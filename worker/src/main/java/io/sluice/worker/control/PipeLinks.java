package io.sluice.worker.control;

import io.sluice.api.v1.RouterPipeToRouterResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What router.pipeToRouter made and this worker must keep in step with other workers: the pairs
 * of pipe transports (one per local router and target router, shared by every producer piped
 * between them), the pipes per producer and target router (so piping again answers the existing
 * one), which local pipe consumer feeds which producer on another worker, and which local pipe
 * producer is fed by which consumer on another worker. On the worker's loop only.
 */
final class PipeLinks {

    /** A local pipe consumer's far end: the producer of the same id on another router (of another worker, or this one). */
    record Feeding(String workerId, String routerId, String producerId) {}

    /** A local pipe producer's source: the pipe consumer on another worker. */
    record FedBy(String workerId, String consumerId) {}

    /** The two ends of a pipe between a local router and a target router. */
    record Pair(String localTransportId, String targetRouterId, String targetTransportId) {}

    private final Map<String, CompletionStage<Pair>> pairs = new HashMap<>();
    private final Map<String, CompletionStage<RouterPipeToRouterResponse>> pipes = new HashMap<>();
    private final Map<String, Feeding> feeding = new HashMap<>();
    private final Map<String, FedBy> fedBy = new HashMap<>();

    static String pairKey(String routerId, String targetWorkerId, String targetRouterId) {
        return routerId + " " + targetWorkerId + " " + targetRouterId;
    }

    static String pipeKey(String producerId, String targetWorkerId, String targetRouterId) {
        return producerId + " " + targetWorkerId + " " + targetRouterId;
    }

    CompletionStage<Pair> pair(String key) {
        return pairs.get(key);
    }

    /** Kept while it is being made and once made; forgotten when it fails or its local transport closes. */
    void putPair(String key, CompletionStage<Pair> pair) {
        pairs.put(key, pair);
        pair.whenComplete((made, failure) -> {
            if (failure != null) {
                pairs.remove(key, pair);
            }
        });
    }

    void localTransportClosed(String transportId) {
        pairs.values().removeIf(pair -> {
            var made = pair.toCompletableFuture();
            return made.isDone() && !made.isCompletedExceptionally() && made.join().localTransportId().equals(transportId);
        });
    }

    CompletionStage<RouterPipeToRouterResponse> pipe(String key) {
        return pipes.get(key);
    }

    void putPipe(String key, CompletionStage<RouterPipeToRouterResponse> pipe) {
        pipes.put(key, pipe);
        pipe.whenComplete((made, failure) -> {
            if (failure != null) {
                pipes.remove(key, pipe);
            }
        });
    }

    void consumerFeeds(String consumerId, String workerId, String routerId, String producerId) {
        feeding.put(consumerId, new Feeding(workerId, routerId, producerId));
    }

    Feeding feeding(String consumerId) {
        return feeding.get(consumerId);
    }

    /** The consumer closed: its pipe is forgotten (piping the producer again makes a new one). */
    Feeding consumerClosed(String consumerId) {
        Feeding gone = feeding.remove(consumerId);
        if (gone != null) {
            pipes.values().removeIf(pipe -> {
                var made = pipe.toCompletableFuture();
                return made.isDone() && !made.isCompletedExceptionally()
                        && made.join().getPipeConsumerId().equals(consumerId);
            });
        }
        return gone;
    }

    void producerFedBy(String producerId, String workerId, String consumerId) {
        fedBy.put(producerId, new FedBy(workerId, consumerId));
    }

    FedBy producerClosed(String producerId) {
        return fedBy.remove(producerId);
    }
}
