package io.sluice.cli;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice workers}: the live workers, from their Redis registry entries (renewed every second). */
@Command(name = "workers", description = "List the live workers: id, host, load, routers, transports.")
final class WorkersCommand implements Callable<Integer> {

    static final List<String> COLUMNS = List.of("id", "host", "announced_ip", "pid", "loop_utilization", "routers",
            "transports", "producers", "consumers", "draining");

    @ParentCommand
    private SluiceCli cli;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RedisClient client = cli.redisClient();
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (String key : keys(redis.sync())) {
                // Other keys share the prefix (sluice:worker:<id>:transports sets, docs/protocol.md); entries are hashes.
                if (!"hash".equals(redis.sync().type(key))) {
                    continue;
                }
                Map<String, String> fields = new TreeMap<>(redis.sync().hgetall(key));
                if (!fields.isEmpty()) {
                    rows.add(fields);
                }
            }
            rows.sort((a, b) -> a.getOrDefault("id", "").compareTo(b.getOrDefault("id", "")));
            Output.rows(SluiceCli.out(spec), cli.json, COLUMNS, rows);
        } finally {
            client.shutdown();
        }
        return 0;
    }

    private static List<String> keys(RedisCommands<String, String> redis) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("sluice:worker:*").limit(500));
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }
}
