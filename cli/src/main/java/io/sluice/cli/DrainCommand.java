package io.sluice.cli;

import io.nats.client.Connection;
import io.sluice.api.v1.WorkerDrainRequest;
import io.sluice.api.v1.WorkerDrainResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sluice drain <worker>}: {@code worker.drain} (docs/protocol.md): the worker takes no new
 * routers, the orchestrator moves its rooms off, and its process exits once all its workers are empty.
 */
@Command(name = "drain", description = "Drain a worker: no new routers; rooms move off; idempotent.")
final class DrainCommand implements Callable<Integer> {

    @ParentCommand
    private SluiceCli cli;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WORKER")
    private String workerId;

    @Override
    public Integer call() throws Exception {
        try (Connection nats = cli.connectNats()) {
            WorkerDrainResponse response = new ControlRequester(nats, cli.timeout()).call(workerId, "worker.drain",
                    WorkerDrainRequest.getDefaultInstance(), WorkerDrainResponse.getDefaultInstance());
            Output.rows(SluiceCli.out(spec), cli.json, List.of("worker", "draining", "routers"),
                    List.of(Map.of("worker", workerId, "draining", "1", "routers",
                            Integer.toString(response.getRouters()))));
        }
        return 0;
    }
}
