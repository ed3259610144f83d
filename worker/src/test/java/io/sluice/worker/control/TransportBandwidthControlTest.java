package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.Event;
import io.sluice.api.v1.MediaKind;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.RtcpParameters;
import io.sluice.api.v1.RtpCodecParameters;
import io.sluice.api.v1.RtpEncodingParameters;
import io.sluice.api.v1.RtpParameters;
import io.sluice.api.v1.TransportEnableTraceEventRequest;
import io.sluice.api.v1.TransportGetStatsRequest;
import io.sluice.api.v1.TransportGetStatsResponse;
import io.sluice.api.v1.TransportProduceRequest;
import io.sluice.api.v1.TransportProduceResponse;
import io.sluice.api.v1.TransportSetMaxIncomingBitrateRequest;
import io.sluice.api.v1.TransportSetMaxOutgoingBitrateRequest;
import io.sluice.api.v1.TransportSetMinOutgoingBitrateRequest;
import io.sluice.api.v1.TransportStats;
import io.sluice.api.v1.WorkerCreateRouterResponse;
import io.sluice.worker.testsupport.Patience;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A WebRTC transport's bandwidth methods over NATS on a real worker: the start of the estimate,
 * its limits (typed errors for limits that contradict each other or are out of range), the cap on
 * what the endpoint sends, the estimate and probe state in getStats, and the "bwe" trace event.
 */
@ExtendWith(SharedWorker.class)
class TransportBandwidthControlTest {

    private static ControlClient client;
    private static String workerId;
    private static List<Event> events;
    private static String routerId;

    @BeforeAll
    static void start(RunningWorker shared) throws Exception {
        client = shared.client;
        workerId = shared.workerId;
        events = shared.events;
        routerId = client.call(workerId, "worker.createRouter", WorkerControlTest.opusAndVp8("room-bwe"))
                .as(WorkerCreateRouterResponse.parser()).getRouterId();
    }

    private static ControlClient.Reply create(Integer initialBitrate) throws Exception {
        RouterCreateWebRtcTransportRequest.Builder request = RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setEnableTcp(false);
        if (initialBitrate != null) {
            request.setInitialAvailableOutgoingBitrate(initialBitrate);
        }
        return client.call(workerId, "router.createWebRtcTransport", request.build());
    }

    private static String transport(Integer initialBitrate) throws Exception {
        return create(initialBitrate).as(RouterCreateWebRtcTransportResponse.parser()).getTransport().getId();
    }

    private static TransportStats stats(String transportId) throws Exception {
        return client.call(workerId, "transport.getStats",
                TransportGetStatsRequest.newBuilder().setTransportId(transportId).build())
                .as(TransportGetStatsResponse.parser()).getStats();
    }

    private static ControlClient.Reply setMax(String transportId, int bitrate) throws Exception {
        return client.call(workerId, "transport.setMaxOutgoingBitrate", TransportSetMaxOutgoingBitrateRequest
                .newBuilder().setTransportId(transportId).setBitrate(bitrate).build());
    }

    private static ControlClient.Reply setMin(String transportId, int bitrate) throws Exception {
        return client.call(workerId, "transport.setMinOutgoingBitrate", TransportSetMinOutgoingBitrateRequest
                .newBuilder().setTransportId(transportId).setBitrate(bitrate).build());
    }

    @Test
    void theEstimateStartsAtTheInitialBitrateWithinItsLimits() throws Exception {
        assertThat(stats(transport(null)).getAvailableOutgoingBitrate()).as("mediasoup's default").isEqualTo(600_000);
        String transportId = transport(1_000_000);
        TransportStats stats = stats(transportId);
        assertThat(stats.getAvailableOutgoingBitrate()).isEqualTo(1_000_000);
        assertThat(stats.getProbeState()).isEqualTo("initial");
        assertThat(stats.getMaxIncomingBitrate()).isZero();
        ControlClient.Reply tooLow = create(1000);
        assertThat(tooLow.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(tooLow.error().getField()).isEqualTo("initial_available_outgoing_bitrate");

        assertThat(setMax(transportId, 500_000).isError()).isFalse();
        assertThat(stats(transportId).getAvailableOutgoingBitrate()).isEqualTo(500_000);
        assertThat(setMax(transportId, 10_000).code()).as("below any estimate's floor").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        ControlClient.Reply aboveMax = setMin(transportId, 600_000);
        assertThat(aboveMax.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(aboveMax.error().getField()).isEqualTo("bitrate");
        assertThat(setMin(transportId, 400_000).isError()).isFalse();
        assertThat(setMax(transportId, 300_000).code()).as("below the minimum").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(stats(transportId).getAvailableOutgoingBitrate()).as("refusals change nothing").isEqualTo(500_000);
        assertThat(setMin(transportId, 1000).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(setMax(transportId, 0).isError()).as("0 lifts the limit").isFalse();
        assertThat(setMax("no-such-transport", 0).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void theIncomingCapAndTheBweTrace() throws Exception {
        String transportId = transport(null);
        assertThat(client.call(workerId, "transport.setMaxIncomingBitrate", TransportSetMaxIncomingBitrateRequest
                .newBuilder().setTransportId(transportId).setBitrate(5000).build()).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(client.call(workerId, "transport.setMaxIncomingBitrate", TransportSetMaxIncomingBitrateRequest
                .newBuilder().setTransportId(transportId).setBitrate(250_000).build()).isError()).isFalse();
        assertThat(stats(transportId).getMaxIncomingBitrate()).isEqualTo(250_000);

        ControlClient.Reply unknown = client.call(workerId, "transport.enableTraceEvent",
                TransportEnableTraceEventRequest.newBuilder().setTransportId(transportId).addTypes("probation").build());
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.error().getField()).isEqualTo("types[0]");
        assertThat(client.call(workerId, "transport.enableTraceEvent", TransportEnableTraceEventRequest.newBuilder()
                .setTransportId(transportId).addTypes("bwe").build()).isError()).isFalse();
        // The estimate runs once the transport carries media.
        client.call(workerId, "transport.produce", TransportProduceRequest.newBuilder()
                .setTransportId(transportId).setKind(MediaKind.AUDIO)
                .setRtpParameters(RtpParameters.newBuilder()
                        .addCodecs(RtpCodecParameters.newBuilder().setMimeType("audio/opus").setPayloadType(111)
                                .setClockRate(48000).setChannels(2))
                        .addEncodings(RtpEncodingParameters.newBuilder().setSsrc(1111))
                        .setRtcp(RtcpParameters.newBuilder().setCname("bwe")))
                .build()).as(TransportProduceResponse.parser());

        await().atMost(Patience.WAIT).until(() -> traces(transportId).size() >= 2);
        Event trace = traces(transportId).get(0);
        assertThat(trace.getTransportTrace().getType()).isEqualTo("bwe");
        assertThat(trace.getTransportTrace().getBwe().getAvailableBitrate()).isEqualTo(600_000);
        assertThat(trace.getTransportTrace().getBwe().getMinBitrate()).isEqualTo(30_000);
        List<Event> two = traces(transportId).subList(0, 2);
        assertThat(two.get(1).getTimestampMs() - two.get(0).getTimestampMs()).as("at most once a second")
                .isGreaterThanOrEqualTo(900);

    }

    private static List<Event> traces(String transportId) {
        // Only this transport of the router enables the trace.
        return events.stream().filter(Event::hasTransportTrace).filter(e -> e.getRouterId().equals(routerId)).toList();
    }
}
