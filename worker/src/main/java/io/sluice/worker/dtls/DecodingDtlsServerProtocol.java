package io.sluice.worker.dtls;

import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsHandshakeHash;

/**
 * BouncyCastle's DTLS server, except that a client handshake message that does not decode is
 * answered with decode_error (RFC 5246 §7.2.2) instead of internal_error. Some of BouncyCastle's
 * parsers run out of bytes with a plain EOFException (a ClientHello whose signature_algorithms
 * list is longer than its extension, found by DtlsFuzzTest), which its handshake answers with
 * internal_error, an alert that blames us for the peer's bytes. Alerts raised on purpose (ours
 * included: a fingerprint mismatch is bad_certificate) pass through unchanged.
 */
final class DecodingDtlsServerProtocol extends DTLSServerProtocol {

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    @Override
    protected void processClientHello(ServerHandshakeState state, byte[] body) throws IOException {
        decoding("ClientHello", () -> super.processClientHello(state, body));
    }

    @Override
    protected void processClientSupplementalData(ServerHandshakeState state, byte[] body) throws IOException {
        decoding("SupplementalData", () -> super.processClientSupplementalData(state, body));
    }

    @Override
    protected void processClientCertificate(ServerHandshakeState state, byte[] body) throws IOException {
        decoding("Certificate", () -> super.processClientCertificate(state, body));
    }

    @Override
    protected void processClientKeyExchange(ServerHandshakeState state, byte[] body) throws IOException {
        decoding("ClientKeyExchange", () -> super.processClientKeyExchange(state, body));
    }

    @Override
    protected void processCertificateVerify(ServerHandshakeState state, byte[] body, TlsHandshakeHash prepareFinishHash)
            throws IOException {
        decoding("CertificateVerify", () -> super.processCertificateVerify(state, body, prepareFinishHash));
    }

    private static void decoding(String message, Step step) throws IOException {
        try {
            step.run();
        } catch (TlsFatalAlert alert) {
            throw alert;
        } catch (IOException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.decode_error, "malformed " + message + ": " + e, e);
        }
    }
}
