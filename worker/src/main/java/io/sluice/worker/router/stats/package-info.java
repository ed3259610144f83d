/**
 * Per-RTP-stream statistics on the router's loop: what a producer's stream received
 * ({@link io.sluice.worker.router.stats.RtpReceiveStreamStats}, RFC 3550 A.1, A.3, A.8), what a
 * consumer's stream sent and what its receiver reported
 * ({@link io.sluice.worker.router.stats.RtpSendStreamStats}), the 0..10 score both derive from
 * loss ({@link io.sluice.worker.router.stats.StreamScore}), a bitrate over a sliding window
 * ({@link io.sluice.worker.router.stats.RateCalculator}) and NTP time ({@link io.sluice.worker.router.stats.NtpTime}).
 * Time is always passed in by the caller; nothing here holds a buffer.
 */
package io.sluice.worker.router.stats;
