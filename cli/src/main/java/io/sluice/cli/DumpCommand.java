package io.sluice.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
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

    /** Entity name on the wire, and the generated message name's prefix. */
    private static final Map<String, String> ENTITIES = Map.of("router", "Router", "transport", "Transport",
            "plainTransport", "PlainTransport", "webRtcServer", "WebRtcServer", "producer", "Producer",
            "consumer", "Consumer");

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
        String prefix = ENTITIES.get(entity);
        if (prefix == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "unknown entity \"" + entity + "\"; one of " + String.join(", ", ENTITIES.keySet()));
        }
        Message request = defaultInstance(prefix + "DumpRequest");
        Message response = defaultInstance(prefix + "DumpResponse");
        // Every dump request has one id field (router_id, transport_id, ...; docs/protocol.md).
        FieldDescriptor idField = request.getDescriptorForType().getFields().get(0);
        Message filled = request.toBuilder().setField(idField, id).build();
        try (Connection nats = cli.connectNats()) {
            Message dump = new ControlRequester(nats, cli.timeout()).call(workerId, entity + ".dump", filled, response);
            Output.message(SluiceCli.out(spec), cli.json, dump);
        }
        return 0;
    }

    private static Message defaultInstance(String simpleName) throws ReflectiveOperationException {
        return (Message) Class.forName("io.sluice.api.v1." + simpleName).getMethod("getDefaultInstance").invoke(null);
    }
}
