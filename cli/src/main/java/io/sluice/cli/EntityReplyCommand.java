package io.sluice.cli;

import io.nats.client.Connection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that asks one entity of a worker a question ({@code <entity>.<method>}, as
 * {@link #request()} names it) and prints the reply: {@code sluice <command> <worker> <entity> <id>}.
 */
abstract class EntityReplyCommand implements Callable<Integer> {

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

    /** The method asked and the entities that answer it. */
    abstract EntityRequest request();

    @Override
    public Integer call() throws Exception {
        try (Connection nats = cli.connectNats()) {
            Output.message(SluiceCli.out(spec), cli.json,
                    request().call(spec.commandLine(), nats, cli.timeout(), workerId, entity, id));
        }
        return 0;
    }
}
