package io.sluice.worker.ice;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import javax.crypto.Mac;

/**
 * Writes one STUN message (RFC 8489) at a time into a caller-supplied ByteBuf: {@link #begin}
 * writes the header, each {@code add} appends one attribute and keeps the header length current,
 * so {@link #addMessageIntegrity} and {@link #addFingerprint} (written last, in that order, §14.5
 * and §14.7) cover exactly what precedes them. Padding bytes are zero.
 *
 * <p>Reusable and allocation-free; one instance per event loop user, not thread-safe. The writer
 * never retains or releases {@code out}.
 */
public final class StunMessageWriter {

    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private final StunDigests digests = new StunDigests();
    private ByteBuf out;
    private int start;

    /**
     * Starts a message at {@code out}'s writer index, copying the 12-byte transaction id found at
     * {@code transactionIdIndex} in {@code transactionIdSource} (a request's id, for its response).
     */
    public StunMessageWriter begin(ByteBuf out, int messageClass, int method, ByteBuf transactionIdSource,
            int transactionIdIndex) {
        this.out = out;
        this.start = out.writerIndex();
        // RFC 8489 §5: the class bits C1 and C0 sit at bits 8 and 4 of the 14-bit type.
        int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((messageClass & 0b10) << 7) | ((messageClass & 0b01) << 4);
        out.writeShort(type);
        out.writeShort(0);
        out.writeInt(StunMessage.MAGIC_COOKIE);
        // 12 bytes as a long and an int: a ByteBuf-to-ByteBuf copy between direct buffers allocates NIO views.
        out.writeLong(transactionIdSource.getLong(transactionIdIndex));
        out.writeInt(transactionIdSource.getInt(transactionIdIndex + 8));
        return this;
    }

    /** Starts the response of the given class to {@code request}, reusing its method and transaction id. */
    public StunMessageWriter beginResponse(ByteBuf out, StunMessage request, int responseClass) {
        return begin(out, responseClass, request.method(), request.buffer(), request.transactionIdIndex());
    }

    /** RFC 8489 §14.3 (with RFC 8445 §7.2.2's "ufrag:ufrag" for ICE). */
    public StunMessageWriter addUsername(byte[] username) {
        return addBytes(StunMessage.ATTR_USERNAME, username);
    }

    /** RFC 8489 §14.14. */
    public StunMessageWriter addSoftware(byte[] software) {
        return addBytes(StunMessage.ATTR_SOFTWARE, software);
    }

    /** RFC 8445 §7.1.1. */
    public StunMessageWriter addPriority(long priority) {
        attributeHeader(StunMessage.ATTR_PRIORITY, 4);
        out.writeInt((int) priority);
        return endAttribute();
    }

    /** RFC 8445 §7.1.3: the tie-breaker of an agent in the controlling role. */
    public StunMessageWriter addIceControlling(long tieBreaker) {
        attributeHeader(StunMessage.ATTR_ICE_CONTROLLING, 8);
        out.writeLong(tieBreaker);
        return endAttribute();
    }

    /** RFC 8445 §7.1.3: the tie-breaker of an agent in the controlled role. */
    public StunMessageWriter addIceControlled(long tieBreaker) {
        attributeHeader(StunMessage.ATTR_ICE_CONTROLLED, 8);
        out.writeLong(tieBreaker);
        return endAttribute();
    }

    /** RFC 8445 §7.1.2. */
    public StunMessageWriter addUseCandidate() {
        attributeHeader(StunMessage.ATTR_USE_CANDIDATE, 0);
        return endAttribute();
    }

    /** draft-thatcher-ice-renomination §3. */
    public StunMessageWriter addNomination(long nomination) {
        attributeHeader(StunMessage.ATTR_NOMINATION, 4);
        out.writeInt((int) nomination);
        return endAttribute();
    }

    /**
     * RFC 8489 §14.2: the port XORed with the cookie's top 16 bits, an IPv4 address XORed with the
     * cookie, an IPv6 one with cookie + transaction id. {@code address} holds 4 or 16 bytes.
     */
    public StunMessageWriter addXorMappedAddress(byte[] address, int port) {
        boolean ipv4 = address.length == 4;
        attributeHeader(StunMessage.ATTR_XOR_MAPPED_ADDRESS, ipv4 ? 8 : 20);
        out.writeByte(0);
        out.writeByte(ipv4 ? FAMILY_IPV4 : FAMILY_IPV6);
        out.writeShort(port ^ (StunMessage.MAGIC_COOKIE >>> 16));
        for (int i = 0; i < address.length; i++) {
            // Bytes 4..19 of the header are the cookie followed by the transaction id.
            out.writeByte(address[i] ^ out.getByte(start + 4 + i));
        }
        return endAttribute();
    }

    /** Convenience over {@link #addXorMappedAddress(byte[], int)}; allocates the address bytes. */
    public StunMessageWriter addXorMappedAddress(InetSocketAddress address) {
        return addXorMappedAddress(address.getAddress().getAddress(), address.getPort());
    }

    /** RFC 8489 §14.8: two reserved bytes, class, number, then the reason phrase. */
    public StunMessageWriter addErrorCode(StunErrorCode error) {
        byte[] reason = error.reasonPhrase();
        attributeHeader(StunMessage.ATTR_ERROR_CODE, 4 + reason.length);
        out.writeShort(0);
        out.writeByte(error.errorClass());
        out.writeByte(error.number());
        out.writeBytes(reason);
        return endAttribute();
    }

    /** RFC 8489 §14.5: HMAC-SHA1 keyed by {@code mac} (for ICE: the local password) over all that precedes. */
    public StunMessageWriter addMessageIntegrity(Mac mac) {
        int integrityIndex = out.writerIndex();
        attributeHeader(StunMessage.ATTR_MESSAGE_INTEGRITY, StunMessage.MESSAGE_INTEGRITY_LENGTH);
        out.writeZero(StunMessage.MESSAGE_INTEGRITY_LENGTH);
        endAttribute();
        digests.writeHmac(mac, out, start, integrityIndex, integrityIndex + 4);
        return this;
    }

    /** RFC 8489 §14.7: CRC-32 of all that precedes, XOR 0x5354554e; the last attribute. */
    public StunMessageWriter addFingerprint() {
        int fingerprintIndex = out.writerIndex();
        attributeHeader(StunMessage.ATTR_FINGERPRINT, StunMessage.FINGERPRINT_LENGTH);
        out.writeInt(0);
        endAttribute();
        int crc = digests.crc32(out, start, fingerprintIndex - start);
        out.setInt(fingerprintIndex + 4, crc ^ StunMessage.FINGERPRINT_XOR);
        return this;
    }

    /** The index in {@code out} where the current message starts. */
    public int startIndex() {
        return start;
    }

    private StunMessageWriter addBytes(int type, byte[] value) {
        attributeHeader(type, value.length);
        out.writeBytes(value);
        return endAttribute();
    }

    private void attributeHeader(int type, int valueLength) {
        out.writeShort(type);
        out.writeShort(valueLength);
    }

    /** RFC 8489 §14: pads the value to 4 bytes and updates the header's length field. */
    private StunMessageWriter endAttribute() {
        int unaligned = (out.writerIndex() - start) & 3;
        if (unaligned != 0) {
            out.writeZero(4 - unaligned);
        }
        out.setShort(start + 2, out.writerIndex() - start - StunMessage.HEADER_LENGTH);
        return this;
    }
}
