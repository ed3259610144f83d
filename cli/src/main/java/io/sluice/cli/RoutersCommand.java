package io.sluice.cli;

import io.nats.client.Connection;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sluice routers <worker>}: the worker's routers, from worker.dump and router.dump. */
@Command(name = "routers", description = "List a worker's routers: id, room, transports, producers, consumers.")
final class RoutersCommand implements Callable<Integer> {

    @ParentCommand
    private SluiceCli cli;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WORKER", description = "Worker id, as `sluice workers` lists it.")
    private String workerId;

    @Override
    public Integer call() throws Exception {
        try (Connection nats = cli.connectNats()) {
            ControlRequester requester = new ControlRequester(nats, cli.timeout());
            WorkerDumpResponse worker = requester.call(workerId, "worker.dump", WorkerDumpRequest.getDefaultInstance(),
                    WorkerDumpResponse.getDefaultInstance());
            List<Map<String, String>> rows = new ArrayList<>();
            for (String routerId : worker.getRouterIdsList()) {
                RouterDumpResponse router = requester.call(workerId, "router.dump",
                        RouterDumpRequest.newBuilder().setRouterId(routerId).build(), RouterDumpResponse.getDefaultInstance());
                rows.add(Map.of("id", routerId, "room", router.getRoomId(),
                        "transports", Integer.toString(router.getTransportIdsCount()),
                        "producers", Integer.toString(router.getProducerIdsCount()),
                        "consumers", Integer.toString(router.getConsumerIdsCount())));
            }
            Output.rows(SluiceCli.out(spec), cli.json, List.of("id", "room", "transports", "producers", "consumers"),
                    rows);
        }
        return 0;
    }
}
