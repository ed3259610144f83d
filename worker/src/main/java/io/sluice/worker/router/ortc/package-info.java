/**
 * RTP capability and parameter negotiation, shaped as mediasoup's {@code ortc}: the table of codecs
 * and header extensions Sluice supports ({@link io.sluice.worker.router.ortc.SupportedRtpCapabilities}),
 * a router's capabilities generated from the media codecs an application asks for
 * ({@link io.sluice.worker.router.ortc.Ortc}), codec matching (with the H.264 profile-level-id rules
 * of RFC 6184 section 8.1 in {@link io.sluice.worker.router.ortc.H264ProfileLevelId}), and the
 * mapping of a producer's parameters onto the router's and on to each consumer's.
 *
 * <p>Control path only: everything here works on the immutable records of
 * {@link io.sluice.worker.router.parameters}, throws
 * {@link io.sluice.worker.router.SluiceException} with the offending field's path, and never runs per packet.
 */
package io.sluice.worker.router.ortc;
