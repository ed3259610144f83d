package io.sluice.cli;

import java.util.Map;
import picocli.CommandLine.Command;

/** {@code sluice dump <worker> <entity> <id>}: the entity's {@code <entity>.dump} reply as JSON. */
@Command(name = "dump", description = "Print an entity's dump as JSON (entity: router, transport, plainTransport, "
        + "webRtcServer, producer, consumer).")
final class DumpCommand extends EntityReplyCommand {

    private static final EntityRequest DUMP = new EntityRequest("dump", "Dump", Map.of("router", "Router",
            "transport", "Transport", "plainTransport", "PlainTransport", "webRtcServer", "WebRtcServer",
            "producer", "Producer", "consumer", "Consumer"));

    @Override
    EntityRequest request() {
        return DUMP;
    }
}
