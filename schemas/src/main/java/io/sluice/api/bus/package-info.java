/**
 * How a Java process reaches Sluice's bus with credentials (docs/security.md): {@link
 * io.sluice.api.bus.NatsSecurity} (credentials file, nkey seed, user and password, token, TLS, private inbox prefix)
 * for jnats, {@link io.sluice.api.bus.RedisSecurity} (ACL user and password, TLS) for Lettuce,
 * {@link io.sluice.api.bus.TlsFiles} for the PEM files both use, and {@link
 * io.sluice.api.bus.Redaction}, which every log line and error message that shows a URL goes
 * through. The worker and the orchestrator stub share them, so both accept the same settings.
 */
package io.sluice.api.bus;
