package io.sluice.worker.router;

import io.sluice.worker.srtp.SrtpProfile;
import java.util.Map;

/**
 * router.createPlainTransport's options, unchecked.
 *
 * @param rtcpListenInfo where RTCP is received without rtcp-mux; null for listenInfo's address, any port
 * @param srtpProfile null without SRTP
 * @param userId the user the transport serves, for the user-to-transport mappings
 */
public record PlainTransportOptions(ListenInfo listenInfo, ListenInfo rtcpListenInfo, boolean rtcpMux, boolean comedia,
        SrtpProfile srtpProfile, String userId, Map<String, String> appData) {}
