package io.sluice.worker.srtp;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA1 (RFC 2104) over a reused {@link MessageDigest}, writing into a reused 20-byte array.
 * {@code javax.crypto.Mac#doFinal} allocates its result on every call, this does not; the JDK's
 * SHA-1 intrinsic still applies. Not thread-safe.
 */
final class HmacSha1 {
    static final int DIGEST_LENGTH = 20;
    private static final int BLOCK = 64;

    private final MessageDigest sha1;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] digest = new byte[DIGEST_LENGTH];

    HmacSha1(byte[] key) {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
        if (key.length > BLOCK) {
            throw new IllegalArgumentException("SRTP authentication keys are 20 bytes");
        }
        for (int i = 0; i < BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            innerPad[i] = (byte) (k ^ 0x36);
            outerPad[i] = (byte) (k ^ 0x5c);
        }
    }

    void start() {
        sha1.reset();
        sha1.update(innerPad, 0, BLOCK);
    }

    void update(byte[] data, int off, int len) {
        sha1.update(data, off, len);
    }

    /** Finishes the MAC; the returned array is reused by the next call. */
    byte[] finish() {
        try {
            sha1.digest(digest, 0, DIGEST_LENGTH);
            sha1.update(outerPad, 0, BLOCK);
            sha1.update(digest, 0, DIGEST_LENGTH);
            sha1.digest(digest, 0, DIGEST_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return digest;
    }
}
