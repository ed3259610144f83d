package io.sluice.worker.sctp;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The State Cookie of an INIT ACK (RFC 9260 §5.1.3): what the responder needs to build the
 * association from the COOKIE ECHO alone, so that an INIT allocates nothing (the SYN-flood
 * defence of §5.1 B). Signed with HMAC-SHA256 under a secret of this association's own, carrying
 * its creation time to enforce its lifetime (§5.1.5).
 */
public record StateCookie(
        long peerInitiateTag,
        long peerReceiverWindow,
        int peerOutboundStreams,
        int peerInboundStreams,
        long peerInitialTsn,
        boolean peerForwardTsn,
        boolean peerReconfig,
        long localTag,
        long localInitialTsn,
        long createdMillis) {

    private static final int BODY_LENGTH = 4 + 4 + 2 + 2 + 4 + 1 + 4 + 4 + 8;
    private static final int MAC_LENGTH = 32;
    public static final int LENGTH = BODY_LENGTH + MAC_LENGTH;

    static StateCookie of(InitChunk init, long localTag, long localInitialTsn, long nowMillis) {
        return new StateCookie(init.initiateTag(), init.advertisedReceiverWindow(), init.outboundStreams(),
                init.inboundStreams(), init.initialTsn(), init.forwardTsnSupported(), init.reconfigSupported(),
                localTag, localInitialTsn, nowMillis);
    }

    /** Signs and writes cookies with one secret, and verifies them. */
    public static final class Signer {
        private final SecretKeySpec key;

        public Signer(SecureRandom random) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            this.key = new SecretKeySpec(secret, "HmacSHA256");
        }

        public byte[] sign(StateCookie cookie) {
            ByteBuffer out = ByteBuffer.allocate(LENGTH);
            out.putInt((int) cookie.peerInitiateTag).putInt((int) cookie.peerReceiverWindow)
                    .putShort((short) cookie.peerOutboundStreams).putShort((short) cookie.peerInboundStreams)
                    .putInt((int) cookie.peerInitialTsn)
                    .put((byte) ((cookie.peerForwardTsn ? 1 : 0) | (cookie.peerReconfig ? 2 : 0)))
                    .putInt((int) cookie.localTag).putInt((int) cookie.localInitialTsn).putLong(cookie.createdMillis);
            out.put(mac(out.array(), BODY_LENGTH));
            return out.array();
        }

        /** The cookie in {@code bytes}, or null when its signature is not ours (§5.1.5 step 1-2). */
        public StateCookie verify(byte[] bytes) {
            if (bytes.length != LENGTH
                    || !MessageDigest.isEqual(mac(bytes, BODY_LENGTH), Arrays.copyOfRange(bytes, BODY_LENGTH, LENGTH))) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            long peerTag = in.getInt() & 0xffffffffL;
            long peerWindow = in.getInt() & 0xffffffffL;
            int outbound = in.getShort() & 0xffff;
            int inbound = in.getShort() & 0xffff;
            long peerTsn = in.getInt() & 0xffffffffL;
            int extensions = in.get();
            long localTag = in.getInt() & 0xffffffffL;
            long localTsn = in.getInt() & 0xffffffffL;
            long created = in.getLong();
            return new StateCookie(peerTag, peerWindow, outbound, inbound, peerTsn, (extensions & 1) != 0,
                    (extensions & 2) != 0, localTag, localTsn, created);
        }

        private byte[] mac(byte[] body, int length) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                mac.update(body, 0, length);
                return mac.doFinal();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }
    }
}
