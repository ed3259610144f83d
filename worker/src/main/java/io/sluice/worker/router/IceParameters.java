package io.sluice.worker.router;

/** A transport's local ICE credentials (RFC 8445 §5.3), with ICE lite always on. */
public record IceParameters(String usernameFragment, String password, boolean iceLite) {}
