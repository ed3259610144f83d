/**
 * The in-process hop of a pipe between two routers on two event loops of one process: no socket,
 * no copy, no lock. Each direction is a {@link io.sluice.worker.pipe.LoopHandoff}, a bounded
 * multi-producer single-consumer array queue (only the upstream loop offers) drained by the
 * downstream loop.
 *
 * <p>Who owns a packet:
 * <ul>
 *   <li>The upstream end owns the pooled buffer it sends (a pipe consumer's copy) until
 *       {@code offer}: from then on the hand-off owns it, whether the offer succeeds or not (a
 *       refused packet, queue full or downstream closed, is released at once and counted).</li>
 *   <li>While queued, the buffer belongs to the queue; nobody on the upstream loop touches it
 *       again (its bytes are published by the queue's ordered store and read after the poll).</li>
 *   <li>The downstream loop polls it and lends it to its receiver for the duration of the call:
 *       the receiver (the pipe transport, then its producer and the router's fan-out) may rewrite
 *       it in place, as a socket's datagram, and each downstream consumer copies what it sends;
 *       nobody retains it. The drain releases it after the call, so one buffer serves every
 *       downstream consumer and is freed on the downstream loop (Netty's pool takes buffers back
 *       from any thread).</li>
 *   <li>Closing the downstream end (on its loop) releases everything queued; packets offered
 *       afterwards are released by {@code offer}, or by a drain already scheduled. If the
 *       downstream loop has terminated, the offering loop releases the queue itself.</li>
 * </ul>
 * The upstream loop is never blocked: a full queue drops, and the only cross-thread signal is one
 * {@code execute} per burst (a flag keeps a single drain task scheduled at a time).
 */
package io.sluice.worker.pipe;
