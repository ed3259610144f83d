package io.sluice.worker.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;

/** Our DTLS server (a=setup:passive): requires a client certificate and answers use_srtp. */
final class SrtpDtlsServer extends DefaultTlsServer {

    private final HandshakeSession session;
    private UseSRTPData srtpAnswer;

    SrtpDtlsServer(HandshakeSession session) {
        super(session.crypto());
        this.session = session;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return HandshakeSession.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CipherSuites.ECDSA);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        session.exportKeyingMaterial(context);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return session.handshakeTimeoutMillis();
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return session.initialResendMillis();
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return session.credentials(context);
    }

    /** RFC 5763 §5: both endpoints present a certificate; we ask the client for one. */
    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        session.verifyPeerCertificate(clientCertificate);
    }

    @Override
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        srtpAnswer = session.answer(clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions));
    }

    /**
     * BouncyCastle shows us the client's extensions only when its ClientHello has some, but asks
     * for ours in any case: a ClientHello without extensions offered no use_srtp, which
     * {@link HandshakeSession#answer} refuses with handshake_failure (RFC 5764 §4.1.1), where a null
     * answer would end the handshake with internal_error (found by DtlsFuzzTest).
     */
    @Override
    public Hashtable getServerExtensions() throws IOException {
        if (srtpAnswer == null) {
            srtpAnswer = session.answer(null);
        }
        Hashtable serverExtensions = super.getServerExtensions();
        TlsSRTPUtils.addUseSRTPExtension(serverExtensions, srtpAnswer);
        return serverExtensions;
    }
}
