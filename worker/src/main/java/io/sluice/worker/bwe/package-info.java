/**
 * Bandwidth estimation and congestion control, as mediasoup's {@code RTC/} transport-cc classes:
 * {@link io.sluice.worker.bwe.TransportWideSequence} numbers every RTP packet a transport sends
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2) and keeps each number's send time;
 * {@link io.sluice.worker.bwe.TransportCongestionControlServer} reports the arrival times of what
 * a transport receives back to the sender (§3.1), through an {@link io.sluice.worker.bwe.RtcpSender}.
 * The wire format is {@code rtcp.FeedbackRtpTransport}. Imports nothing of the router: the
 * transports hand it what it needs.
 *
 * <p>Runs on the router's event loop; nothing is allocated per packet (the send-time ring is made
 * with the first number). Buffers: each feedback packet is a fresh pooled buffer with room for
 * SRTCP, handed to the {@link io.sluice.worker.bwe.RtcpSender}, which owns it from then on.
 */
package io.sluice.worker.bwe;
