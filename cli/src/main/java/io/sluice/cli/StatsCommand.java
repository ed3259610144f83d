package io.sluice.cli;

import io.nats.client.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sluice stats <worker> <entity> <id>}: the entity's {@code <entity>.getStats} reply as JSON,
 * the per-entity view that {@code /metrics} leaves out (docs/operations.md).
 */
@Command(name = "stats", description = "Print an entity's statistics as JSON (entity: transport, producer, consumer).")
final class StatsCommand implements Callable<Integer> {

    private static final EntityRequest GET_STATS = new EntityRequest("getStats", "GetStats",
            Map.of("transport", "Transport", "producer", "Producer", "consumer", "Consumer"));

    @ParentCommand
    private SluiceCli cli;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WORKER")
    private String workerId;

    @Parameters(index = "1", paramLabel = "ENTITY")
    private String entity;

    @Parameters(index = "2", paramLabel = "ID")
    private String id;

    @Override
    public Integer call() throws Exception {
        try (Connection nats = cli.connectNats()) {
            Output.message(SluiceCli.out(spec), cli.json,
                    GET_STATS.call(spec.commandLine(), nats, cli.timeout(), workerId, entity, id));
        }
        return 0;
    }
}
