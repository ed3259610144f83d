package io.sluice.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code sluice stats <worker> <entity> <id>}: the entity's {@code <entity>.getStats} reply as JSON,
 * the per-entity view that {@code /metrics} leaves out (docs/operations.md).
 */
@Command(name = "stats", description = "Print an entity's statistics as JSON (entity: transport, producer, consumer).")
final class StatsCommand extends EntityReplyCommand {

    private static final EntityRequest GET_STATS = new EntityRequest("getStats", "GetStats",
            Map.of("transport", "Transport", "producer", "Producer", "consumer", "Consumer"));

    @Override
    EntityRequest request() {
        return GET_STATS;
    }
}
