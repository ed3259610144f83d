package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.nats.client.impl.Headers;
import io.nats.service.ServiceMessage;
import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.WebRtcServerCloseRequest;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.api.v1.WorkerCreateWebRtcServerResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.api.v1.WorkerGetResourceUsageRequest;
import io.sluice.api.v1.WorkerGetResourceUsageResponse;
import io.sluice.worker.testsupport.Patience;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand malformed control requests over every method (docs/protocol.md, "Errors"; issue 12)
 * against a worker process of its own: garbage bodies, and messages generated from each request's
 * descriptor with hostile values (empty, huge and foreign strings, out-of-range numbers, unknown
 * enum values, the ids of live entities so that requests reach past the lookups). Every request
 * gets a reply, every error has a typed code and none is INTERNAL; afterwards, with the routers
 * and servers that succeeded closed, the worker holds nothing: no router, transport, producer,
 * consumer or Redis mapping. {@code worker.drain} is left out (it cannot be undone). Seeded:
 * a failure names its seed.
 */
class MalformedControlRequestsTest {

    private static final int REQUESTS = 10_000;
    private static final int IN_FLIGHT = 32;
    private static final Set<String> LEFT_OUT = Set.of("worker.drain");

    @Test
    void everyMalformedRequestGetsATypedErrorAndNothingIsLeftBehind() throws Exception {
        long seed = Long.getLong("sluice.fuzzSeed", System.nanoTime());
        Random random = new Random(seed);
        try (RunningWorker running = RunningWorker.start("malformed", 47700, 47999)) {
            List<ControlMethod<?, ?>> methods = ControlMethods.all().stream()
                    .filter(method -> !LEFT_OUT.contains(method.fullName())).toList();
            List<String> ids = new ArrayList<>(liveEntities(running));
            Map<ErrorCode, Integer> codes = new EnumMap<>(ErrorCode.class);
            Map<String, String> internal = new ConcurrentHashMap<>();
            List<String> routers = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
            Semaphore window = new Semaphore(IN_FLIGHT);
            List<CompletableFuture<Void>> replies = new ArrayList<>();
            int successes = 0;
            for (int i = 0; i < REQUESTS; i++) {
                ControlMethod<?, ?> method = methods.get(random.nextInt(methods.size()));
                byte[] body = random.nextInt(10) == 0 ? garbage(random)
                        : new Generator(random, ids).message(method.requestPrototype().getDescriptorForType(), 0)
                                .toByteArray();
                window.acquire();
                replies.add(running.connection.request(method.subject(running.workerId), body)
                        .orTimeout(Patience.WAIT.toSeconds(), TimeUnit.SECONDS)
                        .thenAccept(reply -> {
                            Headers headers = reply.getHeaders();
                            if (headers == null || !headers.containsKey(ServiceMessage.NATS_SERVICE_ERROR_CODE)) {
                                remember(method, reply.getData(), routers, servers);
                                return;
                            }
                            io.sluice.api.v1.Error error = parseError(reply.getData());
                            synchronized (codes) {
                                codes.merge(error.getCode(), 1, Integer::sum);
                            }
                            if (error.getCode() == ErrorCode.INTERNAL || error.getCode() == ErrorCode.ERROR_CODE_UNSPECIFIED) {
                                internal.put(method.fullName(), error.getMessage());
                            }
                        })
                        .whenComplete((ignored, failure) -> window.release()));
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
            for (Map.Entry<ErrorCode, Integer> code : codes.entrySet()) {
                successes -= code.getValue();
            }
            System.out.printf("%d malformed control requests over %d methods (seed %d): %s, %d successes%n",
                    REQUESTS, methods.size(), seed, codes, REQUESTS + successes);
            assertThat(internal).as("INTERNAL answers by method (seed %d)", seed).isEmpty();

            for (String routerId : routers) {
                running.client.call(running.workerId, "router.close",
                        RouterCloseRequest.newBuilder().setRouterId(routerId).build());
            }
            for (String serverId : servers) {
                running.client.call(running.workerId, "webRtcServer.close",
                        WebRtcServerCloseRequest.newBuilder().setWebrtcServerId(serverId).build());
            }
            WorkerDumpResponse dump = running.client.call(running.workerId, "worker.dump",
                    WorkerDumpRequest.getDefaultInstance()).as(WorkerDumpResponse.parser());
            assertThat(dump.getRouterIdsList()).as("routers left (seed %d)", seed).isEmpty();
            WorkerGetResourceUsageResponse usage = running.client.call(running.workerId, "worker.getResourceUsage",
                    WorkerGetResourceUsageRequest.getDefaultInstance()).as(WorkerGetResourceUsageResponse.parser());
            assertThat(usage.toString()).as("resources left (seed %d)", seed)
                    .doesNotContainPattern("(transports|producers|consumers|routers): [1-9]");
        }
    }

    /** A router, a WebRTC transport and a WebRTC server whose ids the generator hands out. */
    private static List<String> liveEntities(RunningWorker running) throws InterruptedException {
        String routerId = running.createRouter("malformed-room");
        List<String> ids = new ArrayList<>(List.of(routerId));
        ids.add(running.createPlainTransport(routerId, true).getId());
        return ids;
    }

    private static void remember(ControlMethod<?, ?> method, byte[] body, List<String> routers, List<String> servers) {
        try {
            switch (method.fullName()) {
                case "worker.createRouter" -> routers.add(WorkerCreateRouterResponse.parseFrom(body).getRouterId());
                case "worker.createWebRtcServer" ->
                        servers.add(WorkerCreateWebRtcServerResponse.parseFrom(body).getWebrtcServerId());
                default -> { }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(method.fullName() + " answered an unreadable success", e);
        }
    }

    private static io.sluice.api.v1.Error parseError(byte[] body) {
        try {
            return io.sluice.api.v1.Error.parseFrom(body);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("an error reply without an Error body", e);
        }
    }

    private static byte[] garbage(Random random) {
        byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Messages of any request type with hostile values, built through the descriptors. */
    private record Generator(Random random, List<String> ids) {

        Message message(Descriptor descriptor, int depth) {
            Message.Builder builder = com.google.protobuf.DynamicMessage.newBuilder(descriptor);
            for (FieldDescriptor field : descriptor.getFields()) {
                if (random.nextInt(3) == 0 || (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth > 3)) {
                    continue;
                }
                if (field.isMapField() || field.isRepeated()) {
                    for (int n = random.nextInt(4); n > 0; n--) {
                        builder.addRepeatedField(field, value(field, depth));
                    }
                } else {
                    builder.setField(field, value(field, depth));
                }
            }
            return builder.build();
        }

        private Object value(FieldDescriptor field, int depth) {
            return switch (field.getJavaType()) {
                case STRING -> string(field.getName());
                case INT -> new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 65535, 65536, 96, 127}[
                        random.nextInt(9)];
                case LONG -> new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 4294967295L, 90000}[random.nextInt(7)];
                case BOOLEAN -> random.nextBoolean();
                case FLOAT -> new float[] {0, -1, Float.NaN, Float.MAX_VALUE}[random.nextInt(4)];
                case DOUBLE -> new double[] {0, -1, Double.NaN, Double.MAX_VALUE}[random.nextInt(4)];
                case BYTE_STRING -> ByteString.copyFrom(garbage(random));
                case ENUM -> enumValue(field.getEnumType());
                case MESSAGE -> message(field.getMessageType(), depth + 1);
            };
        }

        private Object enumValue(EnumDescriptor type) {
            if (random.nextInt(4) == 0) {
                return type.findValueByNumberCreatingIfUnknown(1000 + random.nextInt(1000));
            }
            return type.getValues().get(random.nextInt(type.getValues().size()));
        }

        private String string(String fieldName) {
            if (fieldName.endsWith("_id") && random.nextBoolean()) {
                return ids.get(random.nextInt(ids.size()));
            }
            return switch (random.nextInt(8)) {
                case 0 -> "";
                case 1 -> "x".repeat(5000);
                case 2 -> "a:b>c d*";
                case 3 -> "video/VP8";
                case 4 -> "audio/opus";
                case 5 -> "127.0.0.1";
                case 6 -> "\u00e9\u4e2d\ud83d\ude00";
                default -> Long.toHexString(random.nextLong()) + new String(new byte[] {(byte) random.nextInt(128)},
                        StandardCharsets.ISO_8859_1);
            };
        }
    }
}
