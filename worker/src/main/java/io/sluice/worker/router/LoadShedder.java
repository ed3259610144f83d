package io.sluice.worker.router;

import io.sluice.worker.router.parameters.MediaKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sheds a worker's forwarding work under overload, least important first, as a numbered list of
 * steps: first each layered (simulcast or SVC) video consumer is held to its lowest spatial layer,
 * then each consumer is paused, both in the order lowest priority (consumer.setPriority) first,
 * video before audio, newest first. {@link #apply} with level {@code n} takes the first {@code n}
 * steps and undoes any other; the list is drawn again at every call, so consumers that come and
 * go under overload find their place. On the worker's loop.
 *
 * <p>Pipe consumers are never shed: one carries the producer to a whole router on another loop
 * or worker, so pausing it would silence every consumer there to save this loop one copy per
 * packet, the most harm for the least relief (and, made when a room spreads, it would be among
 * the newest, so among the first). The router at the other end sheds its own consumers under its
 * own overload.
 */
public final class LoadShedder {

    /** What a level amounts to: consumers paused and held to their lowest layer, and how many steps there are. */
    public record Shed(int level, int steps, List<String> pausedConsumerIds, List<String> layersCappedConsumerIds) {
    }

    private static final Comparator<Consumer> LEAST_IMPORTANT_FIRST = Comparator
            .comparingInt(Consumer::priority)
            .thenComparing(consumer -> consumer.kind() == MediaKind.AUDIO);

    /** The worker's consumers, each router's in creation order. */
    private final Supplier<List<Consumer>> consumers;

    public LoadShedder(Worker worker) {
        this(() -> {
            List<Consumer> all = new ArrayList<>();
            for (Router router : worker.routers()) {
                all.addAll(router.media().consumers());
            }
            return all;
        });
    }

    LoadShedder(Supplier<List<Consumer>> consumers) {
        this.consumers = consumers;
    }

    /** Takes the first {@code level} steps (clamped to the steps there are) and undoes the rest. */
    public Shed apply(int level) {
        List<Consumer> ranked = ranked();
        List<LayeredConsumer> layered = new ArrayList<>();
        for (Consumer consumer : ranked) {
            if (consumer instanceof LayeredConsumer layeredConsumer && consumer.kind() == MediaKind.VIDEO) {
                layered.add(layeredConsumer);
            }
        }
        int steps = layered.size() + ranked.size();
        int taken = Math.max(0, Math.min(level, steps));
        List<String> capped = new ArrayList<>();
        for (int i = 0; i < layered.size(); i++) {
            boolean shed = i < taken;
            layered.get(i).shedLayers(shed);
            if (shed) {
                capped.add(layered.get(i).id());
            }
        }
        List<String> paused = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            boolean shed = layered.size() + i < taken;
            ranked.get(i).shedPause(shed);
            if (shed) {
                paused.add(ranked.get(i).id());
            }
        }
        return new Shed(taken, steps, paused, capped);
    }

    /** The worker's consumers that may be shed, least important first (among equals, the last made first). */
    private List<Consumer> ranked() {
        List<Consumer> all = new ArrayList<>(consumers.get());
        all.removeIf(consumer -> consumer instanceof PipeConsumer);
        Collections.reverse(all);
        all.sort(LEAST_IMPORTANT_FIRST);
        return all;
    }
}
