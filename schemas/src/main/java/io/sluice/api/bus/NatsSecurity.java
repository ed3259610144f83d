package io.sluice.api.bus;

import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a client proves who it is to nats-server (docs/security.md), at most one way: a credentials
 * file (user JWT and nkey seed, NATS decentralized auth), an nkey seed file, a user and password,
 * or a token; plus TLS files and the prefix of the client's reply inboxes. A server configured
 * with per-user inbox prefixes lets only that user subscribe to them, so no one else reads the
 * replies. Credentials in the URL still work and are redacted when shown. {@link #toString()}
 * names the method, never a secret.
 *
 * @param credentialsFile a {@code .creds} file (JWT and nkey seed), or empty
 * @param nkeySeedFile a file holding an nkey user seed ({@code SU...}), or empty
 * @param user user name, set with {@code password}
 * @param password password of {@code user}
 * @param token authentication token, or empty
 * @param tls CA and client certificate files; TLS is used when any is set (or the URL is {@code tls://})
 * @param inboxPrefix prefix of reply subjects, e.g. {@code _INBOX_backend}; empty for jnats' {@code _INBOX}
 */
public record NatsSecurity(String credentialsFile, String nkeySeedFile, String user, String password, String token,
        TlsFiles tls, String inboxPrefix) {

    public static final NatsSecurity NONE = new NatsSecurity("", "", "", "", "", TlsFiles.NONE, "");

    // A subject prefix of plain tokens (no wildcards, no spaces), as nats-server's permissions match it.
    private static final Pattern INBOX_PREFIX = Pattern.compile("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*");

    public NatsSecurity {
        credentialsFile = orEmpty(credentialsFile);
        nkeySeedFile = orEmpty(nkeySeedFile);
        user = orEmpty(user);
        password = orEmpty(password);
        token = orEmpty(token);
        tls = tls == null ? TlsFiles.NONE : tls;
        inboxPrefix = orEmpty(inboxPrefix);
        if (user.isEmpty() != password.isEmpty()) {
            throw new IllegalArgumentException("a NATS user and its password go together: set both or neither");
        }
        List<String> methods = methods(credentialsFile, nkeySeedFile, user, token);
        if (methods.size() > 1) {
            throw new IllegalArgumentException("NATS authentication takes one method, got " + String.join(" and ", methods));
        }
        if (!inboxPrefix.isEmpty() && !INBOX_PREFIX.matcher(inboxPrefix).matches()) {
            throw new IllegalArgumentException("a NATS inbox prefix is subject tokens without wildcards, got \""
                    + inboxPrefix + "\"");
        }
    }

    /** Sets the credentials, TLS and inbox prefix on a jnats builder; reads the files now. */
    public Options.Builder applyTo(Options.Builder builder) throws IOException, GeneralSecurityException {
        if (!credentialsFile.isEmpty()) {
            requireReadable(credentialsFile);
            builder.authHandler(Nats.credentials(credentialsFile));
        } else if (!nkeySeedFile.isEmpty()) {
            String seed = Files.readString(Path.of(nkeySeedFile), StandardCharsets.US_ASCII).strip();
            builder.authHandler(Nats.staticCredentials(null, seed.toCharArray()));
        } else if (!user.isEmpty()) {
            builder.userInfo(user.toCharArray(), password.toCharArray());
        } else if (!token.isEmpty()) {
            builder.token(token.toCharArray());
        }
        if (tls.enabled()) {
            builder.sslContext(tls.sslContext());
        }
        if (!inboxPrefix.isEmpty()) {
            builder.inboxPrefix(inboxPrefix);
        }
        return builder;
    }

    @Override
    public String toString() {
        List<String> methods = methods(credentialsFile, nkeySeedFile, user, token);
        String method = methods.isEmpty() ? "no credentials" : methods.get(0) + (user.isEmpty() ? "" : " " + user);
        return method + (tls.enabled() ? ", TLS" : "") + (inboxPrefix.isEmpty() ? "" : ", inbox " + inboxPrefix);
    }

    private static List<String> methods(String credentialsFile, String nkeySeedFile, String user, String token) {
        List<String> methods = new ArrayList<>();
        if (!credentialsFile.isEmpty()) {
            methods.add("credentials file");
        }
        if (!nkeySeedFile.isEmpty()) {
            methods.add("nkey seed");
        }
        if (!user.isEmpty()) {
            methods.add("user");
        }
        if (!token.isEmpty()) {
            methods.add("token");
        }
        return methods;
    }

    private static void requireReadable(String file) throws IOException {
        if (!Files.isReadable(Path.of(file))) {
            throw new IOException("cannot read " + file);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
