/**
 * The loopback fan-out load generator: one SRTP producer on a plain transport, N consumers on N
 * SRTP plain transports of one router of an in-process worker with one loop, each consumer sending
 * to its own local UDP receiver. {@code FanOutLoad} steps N up until more than 0.1% of the
 * forwarded packets are lost and reports throughput, latency, and the loop's CPU time and
 * allocation per forwarded packet. {@code bench/run load} runs it; figures are in
 * docs/benchmarks.md, section "Fan-out load". Buffers: the sender owns one heap ByteBuf it reuses
 * for every packet; each receiver thread owns one direct buffer; nothing is handed across threads.
 * {@code SpreadRoomScenario} ({@code bench/run room}, "The seed's scenario") drives the same
 * receivers and WebRTC clients through the orchestrator stub's signaling ({@code StubInProcess},
 * {@code SignalingClient}): one room spread over the loops of a worker process, the producer piped.
 */
package io.sluice.bench.load;
