package io.sluice.cli;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * A request about one entity by its id, such as {@code producer.dump} or {@code consumer.getStats}:
 * the messages are found by name ({@code <Entity><Verb>Request}, docs/protocol.md), so the commands
 * need no table of generated classes.
 */
final class EntityRequest {

    private final String method;
    private final String messageVerb;
    /** Entity name on the wire to its generated messages' prefix. */
    private final Map<String, String> entities;

    /**
     * @param method the method part of the subject, e.g. {@code getStats}
     * @param messageVerb the verb in the message names, e.g. {@code GetStats}
     */
    EntityRequest(String method, String messageVerb, Map<String, String> entities) {
        this.method = method;
        this.messageVerb = messageVerb;
        this.entities = entities;
    }

    /** The reply to {@code <entity>.<method>} for {@code id}; an unknown entity is a usage error. */
    Message call(CommandLine commandLine, Connection nats, Duration timeout, String workerId, String entity, String id)
            throws Exception {
        String prefix = entities.get(entity);
        if (prefix == null) {
            throw new CommandLine.ParameterException(commandLine,
                    "unknown entity \"" + entity + "\"; one of " + String.join(", ", entities.keySet()));
        }
        Message request = defaultInstance(prefix + messageVerb + "Request");
        Message response = defaultInstance(prefix + messageVerb + "Response");
        // Each of these requests has one field, the entity's id (router_id, transport_id, ...).
        FieldDescriptor idField = request.getDescriptorForType().getFields().get(0);
        Message filled = request.toBuilder().setField(idField, id).build();
        return new ControlRequester(nats, timeout).call(workerId, entity + "." + method, filled, response);
    }

    private static Message defaultInstance(String simpleName) throws ReflectiveOperationException {
        return (Message) Class.forName("io.sluice.api.v1." + simpleName).getMethod("getDefaultInstance").invoke(null);
    }
}
