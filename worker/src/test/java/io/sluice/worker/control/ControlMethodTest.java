package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.RouterCloseRequest;
import io.sluice.api.v1.RtpCodecCapability;
import io.sluice.api.v1.WorkerCreateRouterRequest;
import io.sluice.worker.router.SluiceException;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ControlMethodTest {

    private static final ControlMethod<WorkerCreateRouterRequest, ?> CREATE_ROUTER = ControlMethods.all().stream()
            .filter(m -> m.fullName().equals("worker.createRouter"))
            .map(m -> (ControlMethod<WorkerCreateRouterRequest, ?>) cast(m))
            .findFirst().orElseThrow();

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    @Test
    void namesFollowTheProtocol() {
        assertThat(CREATE_ROUTER.endpointName()).isEqualTo("worker_createRouter");
        assertThat(CREATE_ROUTER.subject("eu1-7f3a-0")).isEqualTo("sluice.eu1-7f3a-0.worker.createRouter");
        assertThat(CREATE_ROUTER.createsEntity()).isTrue();
    }

    @Test
    void theTableHasEachMethodOnce() {
        List<ControlMethod<?, ?>> all = ControlMethods.all();
        assertThat(all).extracting(ControlMethod::fullName).containsExactly(
                "worker.dump", "worker.drain", "worker.getResourceUsage", "worker.createRouter",
                "router.close", "router.dump", "router.getRtpCapabilities",
                "router.createWebRtcTransport", "transport.connect", "transport.restartIce", "transport.getStats",
                "transport.dump", "transport.close", "transport.setMaxOutgoingBitrate",
                "transport.setMinOutgoingBitrate", "transport.setMaxIncomingBitrate", "transport.enableTraceEvent",
                "worker.createWebRtcServer", "webRtcServer.close",
                "webRtcServer.dump",
                "router.createPlainTransport", "plainTransport.connect", "plainTransport.close", "plainTransport.dump",
                "transport.produce", "transport.consume", "router.canConsume",
                "producer.pause", "producer.resume", "producer.close", "producer.dump", "producer.getStats",
                "consumer.pause", "consumer.resume", "consumer.close", "consumer.requestKeyFrame",
                "consumer.setPriority", "consumer.setPreferredLayers", "consumer.dump", "consumer.getStats",
                "router.createPipeTransport", "pipeTransport.connect", "pipeTransport.consume",
                "pipeTransport.produce", "pipeTransport.close", "pipeTransport.dump", "router.pipeToRouter",
                "transport.produceData", "transport.consumeData", "dataProducer.close", "dataProducer.pause",
                "dataProducer.resume", "dataProducer.dump", "dataProducer.getStats", "dataConsumer.close",
                "dataConsumer.pause", "dataConsumer.resume", "dataConsumer.dump", "dataConsumer.getStats",
                "dataConsumer.setBufferedAmountLowThreshold", "router.createDirectTransport", "dataProducer.send",
                "router.createActiveSpeakerObserver", "router.createAudioLevelObserver", "rtpObserver.addProducer",
                "rtpObserver.removeProducer", "rtpObserver.pause", "rtpObserver.resume", "rtpObserver.close",
                "rtpObserver.dump");
        assertThat(new HashSet<>(all.stream().map(ControlMethod::endpointName).toList())).hasSize(all.size());
    }

    static Stream<Arguments> malformedBodies() {
        return Stream.of(
                Arguments.of("truncated length-delimited field", new byte[] {0x0a, 0x05, 'a'}),
                Arguments.of("invalid tag zero", new byte[] {0x00}),
                Arguments.of("truncated varint", new byte[] {0x10, (byte) 0x80}),
                Arguments.of("end-group without start", new byte[] {0x0c}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void malformedProtobufIsInvalidArgument(String what, byte[] body) {
        assertThatThrownBy(() -> CREATE_ROUTER.parse(body))
                .isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).startsWith("malformed WorkerCreateRouterRequest");
                });
    }

    @Test
    void aMissingRequiredFieldIsInvalidArgumentNamingIt() throws SluiceException {
        WorkerCreateRouterRequest empty = CREATE_ROUTER.parse(new byte[0]);

        assertThatThrownBy(() -> CREATE_ROUTER.validate(empty))
                .isInstanceOfSatisfying(SluiceException.class, e -> {
                    assertThat(e.code()).isEqualTo(SluiceException.Code.INVALID_ARGUMENT);
                    assertThat(e.field()).isEqualTo("media_codecs");
                    assertThat(e.getMessage()).isEqualTo("media_codecs is required");
                });
        CREATE_ROUTER.validate(WorkerCreateRouterRequest.newBuilder()
                .addMediaCodecs(RtpCodecCapability.newBuilder().setMimeType("audio/opus")).build());
    }

    @Test
    void requiringAFieldThatDoesNotExistFailsAtTableBuildTime() {
        assertThatThrownBy(() -> ControlMethod.of("router", "close", RouterCloseRequest.getDefaultInstance(),
                (worker, request) -> request).require("transport_id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transport_id");
    }

    @Test
    void errorStatusesFollowTheProtocol() {
        assertThat(Stream.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_FOUND, ErrorCode.ALREADY_EXISTS,
                ErrorCode.UNSUPPORTED, ErrorCode.FAILED_PRECONDITION, ErrorCode.RESOURCE_EXHAUSTED,
                ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE).map(ErrorStatus::of))
                .containsExactly(400, 404, 409, 415, 412, 429, 500, 503);
    }

    @Test
    void headerValuesStayPrintableAscii() {
        assertThat(ControlIo.headerSafe("bad\r\nvalue é")).isEqualTo("bad??value ?");
        assertThat(ControlIo.headerSafe("x".repeat(1000))).hasSize(256);
    }
}
