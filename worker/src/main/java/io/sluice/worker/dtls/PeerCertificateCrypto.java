package io.sluice.worker.dtls;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's crypto, except that a peer certificate whose DER does not parse is answered with
 * bad_certificate ("a certificate was corrupt", RFC 5246 §7.2.2). BouncyCastle's ASN.1 parser throws
 * a plain IOException there, which its DTLS handshake answers with internal_error, an alert that
 * blames us for the peer's bytes (found by DtlsFuzzTest).
 */
final class PeerCertificateCrypto extends BcTlsCrypto {

    PeerCertificateCrypto(SecureRandom random) {
        super(random);
    }

    @Override
    public TlsCertificate createCertificate(short type, byte[] encoding) throws IOException {
        try {
            return super.createCertificate(type, encoding);
        } catch (TlsFatalAlert alert) {
            throw alert;
        } catch (IOException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "malformed peer certificate: " + e.getMessage(), e);
        }
    }
}
