/**
 * Bandwidth estimation and congestion control, as mediasoup's {@code RTC/} transport-cc classes
 * and libwebrtc's goog_cc. Imports nothing of the router: the transports hand it what it needs,
 * and consumers are seen through {@link io.sluice.worker.bwe.BitrateConsumer}.
 *
 * <p><b>Towards senders</b> (what we receive): {@link io.sluice.worker.bwe.TransportCongestionControlServer}
 * reports arrival times back to the sender (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1) through an {@link io.sluice.worker.bwe.RtcpSender}.
 *
 * <p><b>Towards receivers</b> (what we send), one
 * {@link io.sluice.worker.bwe.SendSideBandwidthEstimator} per transport, GoogCC in shape
 * (draft-ietf-rmcat-gcc-02):
 * <pre>
 *  sendPacket (numbers it, §2) ─> SentPacketHistory (ring: seq -> send time, size, probe cluster)
 *  transport-cc feedback ─> TransportFeedbackAdapter (arrival times, loss between feedback packets)
 *     ├─> DelayBasedEstimator: InterArrival (5 ms groups, §5.2) -> TrendlineEstimator (§5.3)
 *     │      -> OveruseDetector (adaptive threshold, §5.4) -> AimdRateControl (§5.5, with
 *     │      AcknowledgedBitrate and LinkCapacityEstimate)
 *     ├─> LossBasedEstimator (§6)
 *     └─> ProbeResultEstimator (a cluster's send and receive rates)
 *  estimate = min(loss-based, delay-based, REMB, max), at least min
 *  ProbeController (initial, further, periodic while app-limited: SendRateMeter) -> BitrateProber
 *  (paces clusters; the transport sends padding when paddingBytesDue > 0)
 * </pre>
 * {@link io.sluice.worker.bwe.BitrateAllocator} then distributes the estimate over the transport's
 * consumers by priority, audio first, with hysteresis (down within 2 s, up only after a hold with
 * headroom, at most one change per 30 s at steady state), and gives each change a
 * {@link io.sluice.worker.bwe.LayerChangeReason}.
 *
 * <p>Runs on the router's event loop; time from the injected {@code time.Clock}. Nothing is
 * allocated per sent packet nor per feedback packet (preallocated rings; the feedback parser's own
 * arrays are rtcp's). Buffers: each feedback packet the server sends is a fresh pooled buffer with
 * room for SRTCP, handed to the {@link io.sluice.worker.bwe.RtcpSender}, which owns it from then
 * on; the estimator holds no buffer.
 */
package io.sluice.worker.bwe;
