/**
 * SCTP (RFC 9260) for WebRTC data channels (RFC 8831), with partial reliability (RFC 3758), stream
 * reset (RFC 6525) and the Data Channel Establishment Protocol (RFC 8832), written here because
 * no library on Maven Central fits the worker's loop model (see docs/architecture.md).
 *
 * <p>The wire formats are one class per chunk type, named as in RFC 9260 ({@code InitChunk},
 * {@code DataChunk}, {@code SackChunk}, {@code ForwardTsnChunk}, {@code ReConfigChunk}), read in
 * place from absolute indices of a {@link io.netty.buffer.ByteBuf}; {@code DataChunk} has static
 * accessors only, so that the receive path slices user data without copying it.
 * {@link io.sluice.worker.sctp.SctpAssociation} is the state machine: single-threaded, driven by
 * its caller, time from an injected {@link io.sluice.worker.time.Clock} and timers from an
 * {@link io.sluice.worker.sctp.SctpScheduler}. {@link io.sluice.worker.sctp.DataChannels} puts
 * DCEP and the channel rules on top.
 *
 * <p>Buffers: a packet given to {@code onPacket} stays the caller's (fragments kept for
 * reassembly are retained slices of it, released once assembled or abandoned); a payload given to
 * {@code send} is taken over, and each fragment released once acknowledged or abandoned; every
 * packet and message handed to a listener is the listener's to release. Closing releases all
 * that is held.
 */
package io.sluice.worker.sctp;
