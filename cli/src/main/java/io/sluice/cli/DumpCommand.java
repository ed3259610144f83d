package io.sluice.cli;

import io.nats.client.Connection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice dump <worker> <entity> <id>}: the entity's {@code <entity>.dump} reply as JSON. */
@Command(name = "dump", description = "Print an entity's dump as JSON (entity: router, transport, plainTransport, "
        + "webRtcServer, producer, consumer).")
final class DumpCommand implements Callable<Integer> {

    private static final EntityRequest DUMP = new EntityRequest("dump", "Dump", Map.of("router", "Router",
            "transport", "Transport", "plainTransport", "PlainTransport", "webRtcServer", "WebRtcServer",
            "producer", "Producer", "consumer", "Consumer"));

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
                    DUMP.call(spec.commandLine(), nats, cli.timeout(), workerId, entity, id));
        }
        return 0;
    }
}
