package io.sluice.worker.dtls;

import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;

/** Our DTLS client (a=setup:active): offers use_srtp and presents our certificate when asked. */
final class SrtpDtlsClient extends DefaultTlsClient {

    private final HandshakeSession session;

    SrtpDtlsClient(HandshakeSession session) {
        super(session.crypto());
        this.session = session;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return HandshakeSession.VERSIONS;
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CipherSuites.ECDSA_AND_RSA);
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
    public Hashtable getClientExtensions() throws IOException {
        Hashtable clientExtensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        TlsSRTPUtils.addUseSRTPExtension(clientExtensions, session.offer());
        return clientExtensions;
    }

    @Override
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        session.acceptAnswer(serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions));
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                session.verifyPeerCertificate(serverCertificate.getCertificate());
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
                return session.credentials(context);
            }
        };
    }
}
