/**
 * SRTP benchmarks: {@code SrtpBenchmark} (JMH, per profile, heap and direct buffers, run with
 * {@code -prof gc} for allocation per packet), {@code JceGcmReferenceBenchmark} (the JDK's own
 * AES-GCM re-initialised per packet, for comparison) and {@code SrtpCpuTime} (the same work timed
 * in thread CPU time like bench/native/srtp_openssl.c). {@code bench/run-srtp} runs them all;
 * figures are in docs/benchmarks.md, section SRTP. Each benchmark owns and releases its buffers.
 */
package io.sluice.bench.srtp;
