package io.sluice.worker.dtls;

import io.sluice.worker.time.Clock;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The worker's DTLS certificate: one per process, shared by every transport (immutable, so
 * thread-safe). WebRTC peers authenticate it by its fingerprint in the signalling (RFC 5763 §5),
 * never by a CA, so a fresh self-signed ECDSA P-256 certificate per process is the norm (as in
 * mediasoup and Chromium); operators may load their own from PEM instead.
 */
public final class DtlsCertificate {

    /** The fingerprints we publish, strongest last: mediasoup-client uses only the last one given. */
    private static final List<FingerprintAlgorithm> PUBLISHED = List.of(
            FingerprintAlgorithm.SHA_256, FingerprintAlgorithm.SHA_384, FingerprintAlgorithm.SHA_512);

    private static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofDays(1);
    private static final Duration GENERATED_VALIDITY = Duration.ofDays(3650);

    private final byte[] derCertificate;
    private final ECPrivateKeyParameters privateKey;
    private final SignatureAndHashAlgorithm signatureAlgorithm;
    private final Map<FingerprintAlgorithm, DtlsFingerprint> fingerprints;

    private DtlsCertificate(byte[] derCertificate, ECPrivateKeyParameters privateKey) {
        this.derCertificate = derCertificate.clone();
        this.privateKey = privateKey;
        this.signatureAlgorithm = signatureAlgorithmFor(privateKey);
        EnumMap<FingerprintAlgorithm, DtlsFingerprint> byAlgorithm = new EnumMap<>(FingerprintAlgorithm.class);
        for (FingerprintAlgorithm algorithm : FingerprintAlgorithm.values()) {
            byAlgorithm.put(algorithm, DtlsFingerprint.of(algorithm, this.derCertificate));
        }
        this.fingerprints = byAlgorithm;
    }

    /** A new self-signed ECDSA P-256 certificate valid from the system clock's now. */
    public static DtlsCertificate generate() {
        return generate(Clock.system());
    }

    /** A new self-signed ECDSA P-256 certificate with a random serial and common name, valid from the clock's now. */
    public static DtlsCertificate generate(Clock clock) {
        SecureRandom random = new SecureRandom();
        ECNamedDomainParameters p256 = new ECNamedDomainParameters(
                SECObjectIdentifiers.secp256r1, ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1));
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(p256, random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();

        byte[] nameBytes = new byte[8];
        random.nextBytes(nameBytes);
        X500Name name = new X500Name("CN=sluice-" + HexFormat.of().formatHex(nameBytes));
        Instant now = Instant.ofEpochMilli(clock.epochMillis());
        try {
            AlgorithmIdentifier signatureId = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digestId = new DefaultDigestAlgorithmIdentifierFinder().find(signatureId);
            X509CertificateHolder holder = new X509v3CertificateBuilder(
                    name,
                    new BigInteger(63, random).add(BigInteger.ONE),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
                    Date.from(now.plus(GENERATED_VALIDITY)),
                    name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()))
                    .build(new BcECContentSignerBuilder(signatureId, digestId).build(keyPair.getPrivate()));
            return new DtlsCertificate(holder.getEncoded(), (ECPrivateKeyParameters) keyPair.getPrivate());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a self-signed certificate", e);
        }
    }

    /** Loads a certificate and its unencrypted EC private key (SEC1 or PKCS#8) from PEM files. */
    public static DtlsCertificate fromPemFiles(Path certificateFile, Path privateKeyFile) throws IOException {
        return fromPem(Files.readString(certificateFile), Files.readString(privateKeyFile));
    }

    /** As {@link #fromPemFiles}, from PEM text. */
    public static DtlsCertificate fromPem(String certificatePem, String privateKeyPem) throws IOException {
        X509CertificateHolder certificate;
        try (PEMParser parser = new PEMParser(new StringReader(certificatePem))) {
            if (!(parser.readObject() instanceof X509CertificateHolder holder)) {
                throw new IOException("no CERTIFICATE in the certificate PEM");
            }
            certificate = holder;
        }
        PrivateKeyInfo keyInfo;
        try (PEMParser parser = new PEMParser(new StringReader(privateKeyPem))) {
            Object parsed = parser.readObject();
            if (parsed instanceof PEMKeyPair pair) {
                keyInfo = pair.getPrivateKeyInfo();
            } else if (parsed instanceof PrivateKeyInfo info) {
                keyInfo = info;
            } else {
                throw new IOException("no unencrypted EC PRIVATE KEY or PRIVATE KEY in the key PEM");
            }
        }
        if (!(PrivateKeyFactory.createKey(keyInfo) instanceof ECPrivateKeyParameters ecKey)) {
            throw new IOException("the private key is not an EC key (ECDSA certificates only)");
        }
        if (!(PublicKeyFactory.createKey(certificate.getSubjectPublicKeyInfo()) instanceof ECPublicKeyParameters publicKey)
                || !publicKey.getQ().equals(
                        new FixedPointCombMultiplier().multiply(ecKey.getParameters().getG(), ecKey.getD()).normalize())) {
            throw new IOException("the private key does not belong to the certificate");
        }
        try {
            signatureAlgorithmFor(ecKey);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new DtlsCertificate(certificate.getEncoded(), ecKey);
    }

    /** TLS 1.2 ties no hash to a curve, but the natural pairing is what every peer offers (RFC 8422 §5.1.3). */
    private static SignatureAndHashAlgorithm signatureAlgorithmFor(ECPrivateKeyParameters key) {
        int fieldSize = key.getParameters().getCurve().getFieldSize();
        return switch (fieldSize) {
            case 256 -> SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
            case 384 -> SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa);
            default -> throw new IllegalArgumentException("unsupported EC curve size " + fieldSize + " (P-256 or P-384)");
        };
    }

    public DtlsFingerprint fingerprint(FingerprintAlgorithm algorithm) {
        return fingerprints.get(algorithm);
    }

    /** What we put in our DtlsParameters: sha-256, sha-384 and sha-512, in that order. */
    public List<DtlsFingerprint> publishedFingerprints() {
        return PUBLISHED.stream().map(fingerprints::get).toList();
    }

    /** The DER certificate (a copy). */
    public byte[] derEncoded() {
        return derCertificate.clone();
    }

    public String certificatePem() {
        return pem(new PemObject("CERTIFICATE", derCertificate));
    }

    /** The private key as unencrypted PKCS#8 PEM, for writing a generated certificate to disk. */
    public String privateKeyPem() {
        try {
            return pem(new PemObject("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the private key", e);
        }
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    SignatureAndHashAlgorithm signatureAlgorithm() {
        return signatureAlgorithm;
    }

    private static String pem(PemObject object) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter cannot fail", e);
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "DtlsCertificate[" + fingerprints.get(FingerprintAlgorithm.SHA_256) + "]";
    }
}
