/**
 * RTP capabilities and parameters as the router knows them, in mediasoup's shapes
 * (RtpParameters.hpp): immutable records that the {@code ortc} negotiation, the entities and their
 * dumps work on. The control plane maps them to and from the API's protobuf messages
 * ({@code control.mapping.RtpParametersMapper}), so no media code depends on the wire schema.
 *
 * <p>Optional values keep the API's presence: a {@code null} component is a field the request
 * left out (mediasoup's {@code undefined}), distinct from zero. Integers the API carries as
 * unsigned 32-bit values (SSRCs, clock rates, bitrates) keep that encoding in an {@code int}.
 * Codec parameter maps keep the order they were given in.
 */
package io.sluice.worker.router.parameters;
