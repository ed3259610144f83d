package io.sluice.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.api.v1.IceCandidate;
import io.sluice.api.v1.RouterCreateWebRtcTransportRequest;
import io.sluice.api.v1.RouterCreateWebRtcTransportResponse;
import io.sluice.api.v1.WebRtcTransportInfo;
import io.sluice.worker.testsupport.Patience;
import io.sluice.worker.testsupport.WebRtcTestPeer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Defect 7 of issue 12: a flood of bad STUN at one transport must not cost another transport its
 * connectivity checks, even when both come from the same address (here 127.0.0.1, as peers behind
 * one NAT would). Real worker, real UDP.
 */
@ExtendWith(SharedWorker.class)
class StunFloodIsolationTest {

    private static RunningWorker worker;

    @BeforeAll
    static void start(RunningWorker shared) {
        worker = shared;
    }

    private static WebRtcTransportInfo createTransport(String routerId, String userId) throws Exception {
        return worker.client.call(worker.workerId, "router.createWebRtcTransport",
                        RouterCreateWebRtcTransportRequest.newBuilder().setRouterId(routerId).setUserId(userId)
                                .setEnableTcp(false).build())
                .as(RouterCreateWebRtcTransportResponse.parser()).getTransport();
    }

    private static InetSocketAddress address(IceCandidate candidate) {
        return new InetSocketAddress(candidate.getAddress(), candidate.getPort());
    }

    @Test
    void twoHundredBadChecksPerSecondAtOneTransportLeaveAnotherTransportsChecksAnswered() throws Exception {
        String routerId = worker.createRouter("room-stun-flood");
        WebRtcTransportInfo victim = createTransport(routerId, "victim");
        WebRtcTransportInfo bystander = createTransport(routerId, "bystander");
        ScheduledExecutorService flood = Executors.newSingleThreadScheduledExecutor();
        try (WebRtcTestPeer attacker = WebRtcTestPeer.udp(address(victim.getIceCandidates(0)));
                WebRtcTestPeer peer = WebRtcTestPeer.udp(address(bystander.getIceCandidates(0)))) {
            String ufrag = victim.getIceParameters().getUsernameFragment();
            // Each request names the victim's ufrag but is signed with a wrong password: a bad check.
            AtomicInteger badChecksSent = new AtomicInteger();
            flood.scheduleAtFixedRate(() -> {
                attacker.sendBindingRequest(ufrag, "not-the-password-of-the-victim", false);
                badChecksSent.incrementAndGet();
            }, 0, 5, TimeUnit.MILLISECONDS);
            // Let the flood use up whatever burst a limiter grants (a second's worth of bad checks,
            // counted rather than timed: a loaded machine sends fewer a second) before the valid checks start.
            await().atMost(Patience.WAIT).until(() -> badChecksSent.get() >= 200);
            int answered = 0;
            for (int i = 0; i < 22; i++) {
                peer.sendBindingRequest(bystander.getIceParameters().getUsernameFragment(),
                        bystander.getIceParameters().getPassword(), i == 0);
                // A dropped check gets no answer at all: the first one missing ends the test.
                WebRtcTestPeer.StunResponse response = peer.pollStunResponse(Patience.WAIT);
                if (response == null) {
                    break;
                }
                if (response.isSuccess()) {
                    answered++;
                }
                Thread.sleep(100);
            }
            assertThat(answered).as("valid checks to the other transport answered with success").isEqualTo(22);
        } finally {
            flood.shutdownNow();
        }
    }
}
