package io.sluice.worker.router;

import io.sluice.worker.srtp.SrtpProfile;

/**
 * SRTP parameters as SDES signals them (RFC 4568 §6.1): the crypto suite and the concatenated
 * master key and salt, base64-encoded. A received one is unchecked until a transport decodes it.
 */
public record SrtpKey(SrtpProfile profile, String keyBase64) {}
