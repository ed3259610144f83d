package io.sluice.worker.router.parameters;

/**
 * A header extension a router or an endpoint supports (RFC 8285). {@code kind} is null when an
 * endpoint's capabilities leave it out, which validation rejects; {@code direction} null when left out.
 */
public record RtpHeaderExtension(MediaKind kind, String uri, int preferredId, boolean preferredEncrypt,
        RtpHeaderExtensionDirection direction) {}
