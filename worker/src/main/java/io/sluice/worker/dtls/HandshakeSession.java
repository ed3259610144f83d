package io.sluice.worker.dtls;

import io.sluice.worker.srtp.SrtpProfile;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What the client and server peers of one handshake share: our certificate, the peer's expected
 * fingerprint, the use_srtp choice and, when we abort, why. Used by the handshake thread only.
 */
final class HandshakeSession {

    /** RFC 5764 §4.2: the exporter label for SRTP keys. */
    static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    /**
     * Our use_srtp preference, as mediasoup's: AEAD first (RFC 7714 §14.2), then RFC 5764 §4.1.2.
     * AES-GCM runs on the JDK's AES and GHASH intrinsics (srtp.JdkGhash) and costs less per packet
     * than AES_CM_128_HMAC_SHA1_80, whose SHA-1 dominates (docs/benchmarks.md, "SRTP"). Without the
     * worker's --add-opens it falls back to a slower pure-Java GHASH and says so in the log.
     */
    static final List<SrtpProfile> PROFILE_PREFERENCE = List.of(
            SrtpProfile.AEAD_AES_256_GCM,
            SrtpProfile.AEAD_AES_128_GCM,
            SrtpProfile.AES128_CM_HMAC_SHA1_80,
            SrtpProfile.AES128_CM_HMAC_SHA1_32);

    /** DTLS 1.2 only: a peer offering 1.3 (Chromium) negotiates 1.2 through supported_versions. */
    static final ProtocolVersion[] VERSIONS = ProtocolVersion.DTLSv12.only();

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final DtlsFingerprint remoteFingerprint;
    private final int handshakeTimeoutMillis;
    private final int initialResendMillis;

    private SrtpProfile selectedProfile;
    private byte[] keyingMaterial;
    private String failureReason;

    HandshakeSession(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
            int handshakeTimeoutMillis, int initialResendMillis) {
        this.crypto = crypto;
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.initialResendMillis = initialResendMillis;
    }

    BcTlsCrypto crypto() {
        return crypto;
    }

    int handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    int initialResendMillis() {
        return initialResendMillis;
    }

    TlsCredentialedSigner credentials(TlsContext context) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(certificate.derEncoded())});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                certificate.privateKey(), chain, certificate.signatureAlgorithm());
    }

    /**
     * RFC 5763 §5: the peer's certificate is authenticated by the fingerprint from signalling, not
     * by a CA. Checked as soon as the Certificate message arrives, so that on a mismatch the peer
     * gets bad_certificate and no keys are ever exported.
     */
    void verifyPeerCertificate(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw abort(AlertDescription.handshake_failure, "peer sent no certificate");
        }
        byte[] der = chain.getCertificateAt(0).getEncoded();
        if (!remoteFingerprint.matches(der)) {
            throw abort(AlertDescription.bad_certificate, "peer certificate fingerprint mismatch: expected "
                    + remoteFingerprint + ", got " + DtlsFingerprint.of(remoteFingerprint.algorithm(), der));
        }
    }

    /** Client side: the use_srtp we offer, with an empty MKI (RFC 5764 §4.1.1). */
    UseSRTPData offer() {
        int[] ids = PROFILE_PREFERENCE.stream().mapToInt(SrtpProfile::useSrtpId).toArray();
        return new UseSRTPData(ids, new byte[0]);
    }

    /** Server side: our most preferred profile among the client's (RFC 5764 §4.1.1). */
    UseSRTPData answer(UseSRTPData clientOffer) throws IOException {
        if (clientOffer == null) {
            throw abort(AlertDescription.handshake_failure, "peer did not offer use_srtp");
        }
        for (SrtpProfile profile : PROFILE_PREFERENCE) {
            for (int offered : clientOffer.getProtectionProfiles()) {
                if (offered == profile.useSrtpId()) {
                    selectedProfile = profile;
                    return new UseSRTPData(new int[] {offered}, new byte[0]);
                }
            }
        }
        throw abort(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    /** Client side: RFC 5764 §4.1.1, the server must pick exactly one of the profiles we offered. */
    void acceptAnswer(UseSRTPData serverAnswer) throws IOException {
        if (serverAnswer == null) {
            throw abort(AlertDescription.handshake_failure, "peer did not negotiate use_srtp");
        }
        int[] chosen = serverAnswer.getProtectionProfiles();
        SrtpProfile profile = chosen.length == 1 ? SrtpProfile.fromUseSrtpId(chosen[0]) : null;
        if (profile == null || !PROFILE_PREFERENCE.contains(profile)) {
            throw abort(AlertDescription.illegal_parameter, "peer chose an SRTP profile we did not offer");
        }
        if (serverAnswer.getMki().length != 0) {
            throw abort(AlertDescription.illegal_parameter, "peer answered a non-empty MKI we did not offer");
        }
        selectedProfile = profile;
    }

    SrtpProfile selectedProfile() {
        return selectedProfile;
    }

    /**
     * RFC 5764 §4.2: the SRTP keys come from the TLS exporter (RFC 5705) with no context value.
     * BouncyCastle allows the export only from notifyHandshakeComplete().
     */
    void exportKeyingMaterial(TlsContext context) throws IOException {
        if (selectedProfile == null) {
            throw abort(AlertDescription.internal_error, "handshake completed without use_srtp");
        }
        keyingMaterial = context.exportKeyingMaterial(EXPORTER_LABEL, null, selectedProfile.keyingMaterialLength());
    }

    /** The exported material; the caller wipes it once split. */
    byte[] keyingMaterial() {
        return keyingMaterial;
    }

    /** Why we aborted the handshake ourselves, or null. */
    String failureReason() {
        return failureReason;
    }

    private TlsFatalAlert abort(short alert, String reason) {
        failureReason = reason;
        return new TlsFatalAlert(alert, reason);
    }
}
