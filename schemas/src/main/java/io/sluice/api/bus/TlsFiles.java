package io.sluice.api.bus;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The PEM files of a TLS client: the CA certificates that sign the server's certificate (empty:
 * the JDK's trusted roots) and, for servers that ask for one, a client certificate chain with its
 * unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}, as {@code openssl genpkey} writes it).
 *
 * @param caFile PEM CA certificate(s), or empty
 * @param certificateFile PEM client certificate chain, or empty
 * @param keyFile PEM private key of that certificate, empty when it is
 */
public record TlsFiles(String caFile, String certificateFile, String keyFile) {

    public static final TlsFiles NONE = new TlsFiles("", "", "");

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");
    private static final char[] IN_MEMORY_PASSWORD = new char[0];

    public TlsFiles {
        caFile = caFile == null ? "" : caFile;
        certificateFile = certificateFile == null ? "" : certificateFile;
        keyFile = keyFile == null ? "" : keyFile;
        if (certificateFile.isEmpty() != keyFile.isEmpty()) {
            throw new IllegalArgumentException("a TLS client certificate and its key go together: set both or neither");
        }
    }

    /** True when any file is set: the connection then uses TLS. */
    public boolean enabled() {
        return !caFile.isEmpty() || !certificateFile.isEmpty();
    }

    /** A TLS context that trusts {@link #caFile} (or the JDK's roots) and presents the client certificate, if any. */
    public SSLContext sslContext() throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        KeyManagerFactory keys = keyManagerFactory();
        TrustManagerFactory trust = trustManagerFactory();
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context;
    }

    /** The CA certificates as a trust manager factory, or null for the JDK's trusted roots. */
    public TrustManagerFactory trustManagerFactory() throws IOException, GeneralSecurityException {
        if (caFile.isEmpty()) {
            return null;
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates(caFile)) {
            store.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory;
    }

    /** The client certificate and key as a key manager factory, or null when there is none. */
    public KeyManagerFactory keyManagerFactory() throws IOException, GeneralSecurityException {
        if (certificateFile.isEmpty()) {
            return null;
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        store.setKeyEntry("client", privateKey(keyFile), IN_MEMORY_PASSWORD,
                certificates(certificateFile).toArray(Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, IN_MEMORY_PASSWORD);
        return factory;
    }

    private static List<Certificate> certificates(String file) throws IOException, GeneralSecurityException {
        byte[] pem = Files.readAllBytes(Path.of(file));
        List<Certificate> certificates = List.copyOf(
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(file + " holds no PEM certificate");
        }
        return certificates;
    }

    private static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
        Matcher pem = PRIVATE_KEY.matcher(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.group(1)));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisAlgorithm) {
                // PKCS#8 names the algorithm inside; trying the few a TLS client key can be is simpler.
            }
        }
        throw new GeneralSecurityException(file + " holds a key of none of " + KEY_ALGORITHMS);
    }
}
