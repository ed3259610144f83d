package io.sluice.worker.control;

import com.google.protobuf.Message;
import io.sluice.worker.router.SluiceException;
import io.sluice.worker.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Replies of create requests that carried {@code Sluice-Idempotency-Key}, per worker and method,
 * so that a retried request gets the first reply instead of a second object. Lives on the
 * worker's loop (not thread-safe); bounded in age and in size, oldest first out.
 */
public final class IdempotencyCache {

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private record Entry(Message request, CompletionStage<Message> response, long expiresAtMs) {}

    private final Clock clock;
    private final long ttlMs;
    private final int maxEntries;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    public IdempotencyCache(Clock clock, Duration ttl, int maxEntries) {
        this.clock = clock;
        this.ttlMs = ttl.toMillis();
        this.maxEntries = maxEntries;
    }

    /**
     * The response remembered for this method and key (still pending if the first request is),
     * or null when the key is new or expired. The same key with another request body is
     * {@code ALREADY_EXISTS}: the caller reused a key.
     */
    public CompletionStage<Message> replay(String method, String key, Message request) throws SluiceException {
        long now = clock.epochMillis();
        evictExpired(now);
        Entry entry = entries.get(method + '\n' + key);
        if (entry == null) {
            return null;
        }
        if (!entry.request().equals(request)) {
            throw new SluiceException(SluiceException.Code.ALREADY_EXISTS,
                    "idempotency key \"" + key + "\" was used for another " + method + " request");
        }
        return entry.response();
    }

    public void remember(String method, String key, Message request, CompletionStage<Message> response) {
        long now = clock.epochMillis();
        entries.put(method + '\n' + key, new Entry(request, response, now + ttlMs));
        while (entries.size() > maxEntries) {
            Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Forgets a response that failed, unless the key has been reused since. */
    public void forget(String method, String key, CompletionStage<Message> response) {
        entries.computeIfPresent(method + '\n' + key, (k, entry) -> entry.response() == response ? null : entry);
    }

    public int size() {
        return entries.size();
    }

    // Entries are in insertion order with one TTL, so the expired ones are at the head.
    private void evictExpired(long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().expiresAtMs() <= now) {
            it.remove();
        }
    }
}
