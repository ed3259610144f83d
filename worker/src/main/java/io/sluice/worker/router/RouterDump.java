package io.sluice.worker.router;

import io.sluice.worker.router.parameters.RtpCapabilities;
import java.util.List;
import java.util.Map;

/** What router.dump reports: the router's identity, capabilities and the ids of what it holds, in creation order. */
public record RouterDump(String routerId, String roomId, RtpCapabilities rtpCapabilities, Map<String, String> appData,
        List<String> transportIds, List<String> producerIds, List<String> consumerIds, List<String> rtpObserverIds) {}
