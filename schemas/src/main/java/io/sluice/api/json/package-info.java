/**
 * The JSON forms of Sluice's protobuf types that browsers and applications exchange unchanged with
 * mediasoup-client: {@link io.sluice.api.json.RtpJson} maps RTP capabilities and parameters to and
 * from mediasoup's JSON shapes (field names of mediasoup's TypeScript types, numbers where
 * mediasoup-client checks for numbers).
 */
package io.sluice.api.json;
