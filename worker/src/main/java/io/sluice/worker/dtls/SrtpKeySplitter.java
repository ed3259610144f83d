package io.sluice.worker.dtls;

import io.sluice.worker.srtp.SrtpProfile;

/**
 * Splits the exported keying material into SRTP master key + salt for each direction.
 * RFC 5764 §4.2: client_write_SRTP_master_key | server_write_SRTP_master_key |
 * client_write_SRTP_master_salt | server_write_SRTP_master_salt.
 */
final class SrtpKeySplitter {

    private SrtpKeySplitter() {}

    /** The key followed by the salt that {@code writer}'s side encrypts with. */
    static byte[] keyAndSalt(SrtpProfile profile, byte[] material, DtlsRole writer) {
        int keyLength = profile.keyLength();
        int saltLength = profile.saltLength();
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("keying material for " + profile + " must have "
                    + profile.keyingMaterialLength() + " bytes, got " + material.length);
        }
        boolean client = writer == DtlsRole.CLIENT;
        int keyOffset = client ? 0 : keyLength;
        int saltOffset = 2 * keyLength + (client ? 0 : saltLength);
        byte[] keyAndSalt = new byte[keyLength + saltLength];
        System.arraycopy(material, keyOffset, keyAndSalt, 0, keyLength);
        System.arraycopy(material, saltOffset, keyAndSalt, keyLength, saltLength);
        return keyAndSalt;
    }
}
