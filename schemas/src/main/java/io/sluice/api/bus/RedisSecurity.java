package io.sluice.api.bus;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client proves who it is to Redis (docs/security.md): an ACL user and password (Redis 6
 * {@code AUTH user password}; a password alone authenticates as {@code default}), and TLS with a
 * CA and an optional client certificate. Credentials in the URL still work; these win over them.
 * {@link #toString()} never shows the password.
 *
 * @param user ACL user, or empty for {@code default}
 * @param password the password, or empty for none
 * @param tls CA and client certificate files; TLS is used when any is set (or the URL is {@code rediss://})
 */
public record RedisSecurity(String user, String password, TlsFiles tls) {

    public static final RedisSecurity NONE = new RedisSecurity("", "", TlsFiles.NONE);

    public RedisSecurity {
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        tls = tls == null ? TlsFiles.NONE : tls;
        if (!user.isEmpty() && password.isEmpty()) {
            throw new IllegalArgumentException("a Redis ACL user needs its password");
        }
    }

    /** The URL with these credentials and TLS applied. */
    public RedisURI uri(String url) {
        RedisURI uri = RedisURI.create(url);
        if (!password.isEmpty()) {
            if (user.isEmpty()) {
                uri.setAuthentication(password.toCharArray());
            } else {
                uri.setAuthentication(user, password.toCharArray());
            }
        }
        if (tls.enabled()) {
            uri.setSsl(true);
        }
        return uri;
    }

    /** Adds the TLS files to Lettuce's client options (nothing without TLS files). */
    public ClientOptions.Builder applyTo(ClientOptions.Builder options) throws IOException, GeneralSecurityException {
        if (!tls.enabled()) {
            return options;
        }
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        TrustManagerFactory trust = tls.trustManagerFactory();
        if (trust != null) {
            ssl.trustManager(trust);
        }
        KeyManagerFactory keys = tls.keyManagerFactory();
        if (keys != null) {
            ssl.keyManager(keys);
        }
        return options.sslOptions(ssl.build());
    }

    @Override
    public String toString() {
        String who = password.isEmpty() ? "no credentials" : "ACL user " + (user.isEmpty() ? "default" : user);
        return who + (tls.enabled() ? ", TLS" : "");
    }
}
