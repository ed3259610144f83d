package io.sluice.worker.control;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.sluice.worker.router.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One method of the control API: {@code <entity>.<method>} on subject
 * {@code sluice.<workerId>.<entity>.<method>}, its request type, the request fields it requires,
 * and the handler that runs on the worker's loop. {@link ControlMethods} lists them all.
 *
 * @param <Q> the request message
 * @param <R> the response message
 */
public final class ControlMethod<Q extends Message, R extends Message> {

    /** Computes a reply on the worker's loop; a failure is a {@link SluiceException} and leaves nothing behind. */
    @FunctionalInterface
    public interface Handler<Q, R> {
        R handle(WorkerControl worker, Q request) throws SluiceException;
    }

    /**
     * Starts on the worker's loop and replies later, e.g. after binding sockets. The stage must
     * complete on the loop, with the response or a {@link SluiceException}; the handler owns its
     * own time limits (the 5 s limit only covers the wait for the loop to start the request).
     */
    @FunctionalInterface
    public interface AsyncHandler<Q, R> {
        CompletionStage<R> handle(WorkerControl worker, Q request) throws SluiceException;
    }

    private final String entity;
    private final String method;
    private final Q requestPrototype;
    private final AsyncHandler<Q, R> handler;
    private final boolean creates;
    /** The longest id (room_id, user_id, any *_id) a request may carry. */
    public static final int MAX_ID_LENGTH = 256;

    private final List<FieldDescriptor> requiredFields;
    private final int maxRequestBytes;

    private ControlMethod(String entity, String method, Q requestPrototype, AsyncHandler<Q, R> handler, boolean creates,
            List<FieldDescriptor> requiredFields) {
        this(entity, method, requestPrototype, handler, creates, requiredFields, ControlService.MAX_REQUEST_BYTES);
    }

    private ControlMethod(String entity, String method, Q requestPrototype, AsyncHandler<Q, R> handler, boolean creates,
            List<FieldDescriptor> requiredFields, int maxRequestBytes) {
        this.entity = entity;
        this.method = method;
        this.requestPrototype = requestPrototype;
        this.handler = handler;
        this.creates = creates;
        this.requiredFields = List.copyOf(requiredFields);
        this.maxRequestBytes = maxRequestBytes;
    }

    /** A method that reads or changes existing entities, e.g. {@code of("router", "close", RouterCloseRequest.getDefaultInstance(), ...)}. */
    public static <Q extends Message, R extends Message> ControlMethod<Q, R> of(
            String entity, String method, Q requestPrototype, Handler<Q, R> handler) {
        return new ControlMethod<>(entity, method, requestPrototype, completed(handler), false, List.of());
    }

    /** A method that creates an entity: it honours {@code Sluice-Idempotency-Key}. */
    public static <Q extends Message, R extends Message> ControlMethod<Q, R> creating(
            String entity, String method, Q requestPrototype, Handler<Q, R> handler) {
        return new ControlMethod<>(entity, method, requestPrototype, completed(handler), true, List.of());
    }

    /** As {@link #of}, for a handler that replies later. */
    public static <Q extends Message, R extends Message> ControlMethod<Q, R> ofAsync(
            String entity, String method, Q requestPrototype, AsyncHandler<Q, R> handler) {
        return new ControlMethod<>(entity, method, requestPrototype, handler, false, List.of());
    }

    /** As {@link #creating}, for a handler that replies later (e.g. {@code router.createWebRtcTransport}). */
    public static <Q extends Message, R extends Message> ControlMethod<Q, R> creatingAsync(
            String entity, String method, Q requestPrototype, AsyncHandler<Q, R> handler) {
        return new ControlMethod<>(entity, method, requestPrototype, handler, true, List.of());
    }

    private static <Q, R> AsyncHandler<Q, R> completed(Handler<Q, R> handler) {
        return (worker, request) -> CompletableFuture.completedFuture(handler.handle(worker, request));
    }

    /**
     * Request fields that must be set (a non-empty string or list, a set message or optional, a
     * non-zero number or enum), checked before the request reaches the loop.
     */
    public ControlMethod<Q, R> require(String... fieldNames) {
        List<FieldDescriptor> fields = new ArrayList<>(requiredFields);
        for (String name : fieldNames) {
            FieldDescriptor field = requestPrototype.getDescriptorForType().findFieldByName(name);
            if (field == null || field.getJavaType() == FieldDescriptor.JavaType.BOOLEAN && !field.isRepeated()) {
                throw new IllegalArgumentException(requestPrototype.getDescriptorForType().getName()
                        + " has no field " + name + " that can be required");
            }
            fields.add(field);
        }
        return new ControlMethod<>(entity, method, requestPrototype, handler, creates, fields, maxRequestBytes);
    }

    /** A method whose requests carry a payload (dataProducer.send) may be larger than the default 64 KiB. */
    public ControlMethod<Q, R> allowingRequestsUpTo(int bytes) {
        return new ControlMethod<>(entity, method, requestPrototype, handler, creates, requiredFields, bytes);
    }

    /** The largest request body this method takes; a larger one is INVALID_ARGUMENT before parsing. */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    public String entity() {
        return entity;
    }

    public String method() {
        return method;
    }

    /** {@code <entity>_<method>}, the NATS micro endpoint name. */
    public String endpointName() {
        return entity + "_" + method;
    }

    /** {@code <entity>.<method>}, as errors and logs name it. */
    public String fullName() {
        return entity + "." + method;
    }

    public String subject(String workerId) {
        return "sluice." + workerId + "." + entity + "." + method;
    }

    /** The request message type's default instance (what clients build from, what tests generate from). */
    public Q requestPrototype() {
        return requestPrototype;
    }

    public boolean createsEntity() {
        return creates;
    }

    @SuppressWarnings("unchecked")
    public Q parse(byte[] body) throws SluiceException {
        try {
            return (Q) requestPrototype.getParserForType().parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw SluiceException.invalid("", "malformed " + requestPrototype.getDescriptorForType().getName()
                    + ": " + e.getMessage());
        }
    }

    public void validate(Q request) throws SluiceException {
        for (FieldDescriptor field : requiredFields) {
            if (!isSet(request, field)) {
                throw SluiceException.invalid(field.getName(), field.getName() + " is required");
            }
        }
        // Ids become NATS subjects, Redis key parts and log fields: bound them (docs/protocol.md).
        for (FieldDescriptor field : request.getDescriptorForType().getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()
                    && field.getName().endsWith("_id") && ((String) request.getField(field)).length() > MAX_ID_LENGTH) {
                throw SluiceException.invalid(field.getName(), field.getName() + " must be at most " + MAX_ID_LENGTH
                        + " characters, got " + ((String) request.getField(field)).length());
            }
        }
    }

    /** Runs the handler; call on the worker's loop. */
    public CompletionStage<R> handle(WorkerControl worker, Q request) throws SluiceException {
        return handler.handle(worker, request);
    }

    private static boolean isSet(Message request, FieldDescriptor field) {
        if (field.isRepeated()) {
            return request.getRepeatedFieldCount(field) > 0;
        }
        if (field.hasPresence()) {
            return request.hasField(field);
        }
        Object value = request.getField(field);
        return switch (field.getJavaType()) {
            case STRING -> !((String) value).isEmpty();
            case BYTE_STRING -> !((com.google.protobuf.ByteString) value).isEmpty();
            case ENUM -> ((com.google.protobuf.Descriptors.EnumValueDescriptor) value).getNumber() != 0;
            case INT, LONG, FLOAT, DOUBLE -> ((Number) value).doubleValue() != 0;
            default -> true;
        };
    }
}
