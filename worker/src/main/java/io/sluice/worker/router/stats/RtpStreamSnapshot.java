package io.sluice.worker.router.stats;

import io.sluice.worker.router.parameters.MediaKind;

/**
 * One RTP stream's statistics at one moment, in mediasoup's shape: an "inbound-rtp" entry of a
 * producer's encoding or the "outbound-rtp" entry of a consumer. SSRCs are unsigned 32-bit values.
 *
 * @param rtxSsrc 0 when the stream has no RTX
 */
public record RtpStreamSnapshot(String type, long timestampMs, long ssrc, long rtxSsrc, String rid, MediaKind kind,
        String mimeType, long packetCount, long byteCount, long packetsLost, int fractionLost, long packetsDiscarded,
        long nackCount, long nackPacketCount, long packetsRetransmitted, long packetsRepaired, long pliCount, int score,
        long bitrate, double roundTripTime, long jitter) {}
