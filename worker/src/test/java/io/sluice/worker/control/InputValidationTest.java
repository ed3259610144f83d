package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.v1.ErrorCode;
import io.sluice.api.v1.PortRange;
import io.sluice.api.v1.RouterCreatePlainTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterDumpRequest;
import io.sluice.api.v1.RouterDumpResponse;
import io.sluice.api.v1.TransportListenInfo;
import io.sluice.api.v1.TransportProtocol;
import io.sluice.api.v1.WorkerCreateWebRtcServerRequest;
import io.sluice.api.v1.WorkerCreateWebRtcServerResponse;
import io.sluice.api.v1.WorkerDumpRequest;
import io.sluice.api.v1.WorkerDumpResponse;
import io.sluice.worker.testsupport.CapturedLogs;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Defect 8 of issue 12: listen infos and ids that used to be answered INTERNAL (with a stack
 * trace) or accepted as they were. Each is now INVALID_ARGUMENT naming the field, and nothing is
 * bound or created. The shared worker's RTC range is 42000-46999.
 */
@ExtendWith(SharedWorker.class)
class InputValidationTest {

    private static final int MAX_UINT32 = -1;

    private static RunningWorker worker;
    private static String routerId;

    @BeforeAll
    static void start(RunningWorker shared) throws Exception {
        worker = shared;
        routerId = worker.createRouter("room-input-validation");
    }

    private static ControlClient.Reply call(String method, com.google.protobuf.Message request) throws Exception {
        return worker.client.call(worker.workerId, method, request);
    }

    private static void assertInvalid(ControlClient.Reply reply, String field) {
        assertThat(reply.code()).as("reply for %s", field).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(reply.error().getField()).isEqualTo(field);
    }

    private static ControlClient.Reply webRtcTransport(TransportListenInfo.Builder info) throws Exception {
        return call("router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId("v").addListenInfos(info.setProtocol(TransportProtocol.UDP)).build());
    }

    private static ControlClient.Reply webRtcServer(TransportListenInfo.Builder info) throws Exception {
        return call("worker.createWebRtcServer", WorkerCreateWebRtcServerRequest.newBuilder()
                .addListenInfos(info.setProtocol(TransportProtocol.UDP)).build());
    }

    private static ControlClient.Reply plainTransport(TransportListenInfo.Builder info) throws Exception {
        return call("router.createPlainTransport", RouterCreatePlainTransportRequest.newBuilder()
                .setRouterId(routerId).setListenInfo(info).build());
    }

    @Test
    void portsBeyondUint16OrOutsideTheRtcRangeAreInvalidArguments() throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            for (int port : new int[] {MAX_UINT32, 70_000, 1, 65_535, 41_999, 47_000}) {
                TransportListenInfo.Builder info = TransportListenInfo.newBuilder().setIp("127.0.0.1").setPort(port);
                assertInvalid(webRtcTransport(info.clone()), "listen_infos[0].port");
                assertInvalid(webRtcServer(info.clone()), "listen_infos[0].port");
                assertInvalid(plainTransport(info.clone()), "listen_info[0].port");
            }
            TransportListenInfo.Builder range = TransportListenInfo.newBuilder().setIp("127.0.0.1")
                    .setPortRange(PortRange.newBuilder().setMin(1).setMax(MAX_UINT32));
            assertInvalid(webRtcTransport(range.clone()), "listen_infos[0].port_range");
            assertInvalid(webRtcServer(range.clone()), "listen_infos[0].port_range");
            assertInvalid(plainTransport(range.clone()), "listen_info[0].port_range");
            assertThat(logs.text()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void anAnnouncedAddressMustBeAnIpOrAHostName() throws Exception {
        for (String bad : List.of(">", "a b", "host_name", "x".repeat(300), "-leading.example.com", "1.2.3.4:80")) {
            TransportListenInfo.Builder info = TransportListenInfo.newBuilder().setIp("127.0.0.1").setAnnouncedAddress(bad);
            assertInvalid(webRtcTransport(info.clone()), "listen_infos[0].announced_address");
            assertInvalid(webRtcServer(info.clone()), "listen_infos[0].announced_address");
            assertInvalid(plainTransport(info.clone()), "listen_info[0].announced_address");
        }
        assertThat(call("router.dump", RouterDumpRequest.newBuilder().setRouterId(routerId).build())
                .as(RouterDumpResponse.parser()).getTransportIdsList()).isEmpty();
        // Good ones still work.
        for (String good : List.of("media.example.com", "203.0.113.7", "2001:db8::7")) {
            webRtcTransport(TransportListenInfo.newBuilder().setIp("127.0.0.1").setAnnouncedAddress(good))
                    .as(io.sluice.api.v1.RouterCreateWebRtcTransportResponse.parser());
        }
    }

    @Test
    void idsLongerThan256CharactersAreInvalidArguments() throws Exception {
        String long900 = "r".repeat(900);
        assertInvalid(call("worker.createRouter", WorkerControlTest.opusAndVp8(long900)), "room_id");
        assertInvalid(call("router.createWebRtcTransport", RouterCreateWebRtcTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId(long900).build()), "user_id");
        assertInvalid(call("router.createPlainTransport", RouterCreatePlainTransportRequest.newBuilder()
                .setRouterId(routerId).setUserId(long900).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1"))
                .build()), "user_id");
        String exactly256 = "u".repeat(256);
        call("router.createPlainTransport", RouterCreatePlainTransportRequest.newBuilder().setRouterId(routerId)
                .setUserId(exactly256).setListenInfo(TransportListenInfo.newBuilder().setIp("127.0.0.1")).build())
                .as(io.sluice.api.v1.RouterCreatePlainTransportResponse.parser());
    }

    @Test
    void workerDumpListsTheWorkersWebRtcServers() throws Exception {
        String serverId = call("worker.createWebRtcServer", WorkerCreateWebRtcServerRequest.newBuilder()
                        .addListenInfos(TransportListenInfo.newBuilder().setProtocol(TransportProtocol.UDP).setIp("127.0.0.1"))
                        .build())
                .as(WorkerCreateWebRtcServerResponse.parser()).getWebrtcServerId();
        try {
            assertThat(call("worker.dump", WorkerDumpRequest.getDefaultInstance()).as(WorkerDumpResponse.parser())
                    .getWebrtcServerIdsList()).contains(serverId);
        } finally {
            call("webRtcServer.close", io.sluice.api.v1.WebRtcServerCloseRequest.newBuilder().setWebrtcServerId(serverId)
                    .build());
        }
    }
}
