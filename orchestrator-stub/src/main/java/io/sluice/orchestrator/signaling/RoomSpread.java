package io.sluice.orchestrator.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.orchestrator.client.RouterClient;
import io.sluice.orchestrator.discovery.WorkerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The routers one room has on this signaling server (docs/signaling.md, "Rooms over several
 * workers"): its home router (the placement's, named in the room assignment) and the spread
 * routers made on other workers once the room's peers filled a worker; which router each peer
 * is on, which router each producer was made on, and which producers were piped to which router.
 * Every method holds the monitor and none calls out (signaling rate).
 */
final class RoomSpread {

    private final RouterClient home;
    /** Router id to router, the home router first. */
    private final Map<String, RouterClient> routers = new LinkedHashMap<>();
    private final Map<String, String> routerOfPeer = new HashMap<>();
    /** Producers made on a router other than the home router (by this server's peers or, via the bus, others'). */
    private final Map<String, RouterClient> producerRouters = new HashMap<>();
    /** Producer id to the ids of the routers it was piped to. */
    private final Map<String, Set<String>> pipes = new LinkedHashMap<>();
    private CompletableFuture<Optional<RouterClient>> creating;

    RoomSpread(RouterClient home) {
        this.home = home;
        routers.put(home.id(), home);
    }

    /** Puts the peer on the first router holding fewer than {@code peersPerRouter} peers; empty when all are full. */
    synchronized Optional<RouterClient> placePeer(String peerId, int peersPerRouter) {
        Map<String, Integer> counts = peerCounts();
        for (RouterClient router : routers.values()) {
            if (counts.getOrDefault(router.id(), 0) < peersPerRouter) {
                routerOfPeer.put(peerId, router.id());
                return Optional.of(router);
            }
        }
        return Optional.empty();
    }

    /** Puts the peer on the router holding the fewest peers (every router is full and no worker takes more). */
    synchronized RouterClient placePeerOnLeastFilled(String peerId) {
        Map<String, Integer> counts = peerCounts();
        RouterClient least = routers.values().stream()
                .min(java.util.Comparator.comparingInt(router -> counts.getOrDefault(router.id(), 0))).orElse(home);
        routerOfPeer.put(peerId, least.id());
        return least;
    }

    /** Puts the peer on a known router (a restored session), adding the router when it is new here. */
    synchronized void placePeerOn(String peerId, RouterClient router) {
        routers.putIfAbsent(router.id(), router);
        routerOfPeer.put(peerId, router.id());
    }

    synchronized void adopt(RouterClient router) {
        routers.putIfAbsent(router.id(), router);
    }

    /** The workers the room has routers on. */
    synchronized Set<String> workers() {
        Set<String> workers = new LinkedHashSet<>();
        routers.values().forEach(router -> workers.add(router.workerId()));
        return workers;
    }

    /**
     * The creation of a spread router under way, or a new one from {@code create}: concurrent joins
     * that found the room full share one creation.
     */
    synchronized CompletableFuture<Optional<RouterClient>> creation(
            Supplier<CompletableFuture<Optional<RouterClient>>> create) {
        if (creating == null || creating.isDone()) {
            creating = create.get();
        }
        return creating;
    }

    /**
     * Removes the peer; answers its router when that is a spread router now without peers, which
     * is then forgotten here with its pipes (the caller closes it; the worker closes its pipe
     * transports with it, and their other ends).
     */
    synchronized Optional<RouterClient> removePeer(String peerId) {
        String routerId = routerOfPeer.remove(peerId);
        if (routerId == null || routerId.equals(home.id()) || routerOfPeer.containsValue(routerId)) {
            return Optional.empty();
        }
        RouterClient emptied = routers.remove(routerId);
        pipes.values().forEach(targets -> targets.remove(routerId));
        pipes.values().removeIf(Set::isEmpty);
        producerRouters.values().removeIf(router -> router.id().equals(routerId));
        return Optional.ofNullable(emptied);
    }

    /** The spread routers (not the home router), for closing them all when the room moves. */
    synchronized List<RouterClient> spreadRouters() {
        List<RouterClient> spread = new ArrayList<>(routers.values());
        spread.remove(home);
        return spread;
    }

    synchronized void producedOn(String producerId, RouterClient router) {
        if (!router.id().equals(home.id())) {
            producerRouters.put(producerId, router);
        }
    }

    /** The router the producer was made on: the home router unless it is known to be a spread one. */
    synchronized RouterClient routerOf(String producerId) {
        return producerRouters.getOrDefault(producerId, home);
    }

    synchronized void piped(String producerId, String targetRouterId) {
        pipes.computeIfAbsent(producerId, id -> new LinkedHashSet<>()).add(targetRouterId);
    }

    synchronized void forgetProducer(String producerId) {
        producerRouters.remove(producerId);
        pipes.remove(producerId);
    }

    /** The room dump's routers (worker, load, peers) and pipes (producer id to target router ids). */
    synchronized void describe(ObjectNode dump, Function<String, Optional<WorkerInfo>> workers) {
        ArrayNode routerList = dump.putArray("routers");
        for (RouterClient router : routers.values()) {
            ObjectNode entry = routerList.addObject().put("routerId", router.id()).put("workerId", router.workerId())
                    .put("home", router == home);
            ArrayNode peers = entry.putArray("peers");
            routerOfPeer.forEach((peerId, routerId) -> {
                if (routerId.equals(router.id())) {
                    peers.add(peerId);
                }
            });
            workers.apply(router.workerId()).ifPresent(worker -> entry.putObject("load")
                    .put("routersAndTransports", worker.routersAndTransports())
                    .put("loopUtilization", worker.load().getLoopUtilization())
                    .put("draining", worker.draining()));
        }
        ObjectNode pipeMap = dump.putObject("pipes");
        pipes.forEach((producerId, targets) -> {
            ArrayNode list = pipeMap.putArray(producerId);
            targets.forEach(list::add);
        });
    }

    private Map<String, Integer> peerCounts() {
        Map<String, Integer> counts = new HashMap<>();
        routerOfPeer.values().forEach(routerId -> counts.merge(routerId, 1, Integer::sum));
        return counts;
    }
}
