package io.sluice.worker.router;

/**
 * router.createWebRtcTransport's enableSctp options, unchecked: a null field takes mediasoup's default.
 *
 * @param outboundStreams numSctpStreams.OS; null (with {@code inboundStreams}) without numSctpStreams
 * @param inboundStreams numSctpStreams.MIS
 * @param maxMessageSize maxSctpMessageSize, bytes
 */
public record SctpOptions(Long outboundStreams, Long inboundStreams, Long maxMessageSize) {}
