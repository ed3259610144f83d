package io.sluice.worker.router;

import java.util.List;
import java.util.Map;

/**
 * router.createWebRtcTransport's options, unchecked.
 *
 * @param webRtcServerId "" for sockets of its own on {@code listenInfos}; else the server whose ports it shares
 * @param listenInfos empty for one UDP and one TCP listen info on the worker's defaults
 * @param userId the user the transport serves, for the user-to-transport mappings
 * @param initialAvailableOutgoingBitrate bit/s; 0 for the default
 * @param sctp enableSctp's options; null without enableSctp
 */
public record WebRtcTransportOptions(String routerId, String webRtcServerId, List<ListenInfo> listenInfos,
        boolean enableUdp, boolean enableTcp, boolean preferUdp, boolean preferTcp, String userId,
        Map<String, String> appData, long initialAvailableOutgoingBitrate,
        SctpOptions sctp) {}
