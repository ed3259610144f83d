package io.sluice.worker.ice;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489) read in place over a {@link ByteBuf}: {@link #wrap} records where each
 * attribute we understand sits and never copies. One instance can be reused for every packet of an
 * event loop; {@link #parse} makes a fresh one for cold paths and tests.
 *
 * <p>The view does not retain the buffer: it is valid while the caller keeps the buffer alive and
 * unmodified, and only until the next {@link #wrap}.
 */
public final class StunMessage {

    /** RFC 8489 §5: the fixed header. */
    public static final int HEADER_LENGTH = 20;
    /** RFC 8489 §5: the magic cookie, also the XOR key of XOR-MAPPED-ADDRESS (§14.2). */
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int TRANSACTION_ID_LENGTH = 12;

    /** RFC 8489 §5: the class bits C1 C0 of the message type. */
    public static final int CLASS_REQUEST = 0b00;
    public static final int CLASS_INDICATION = 0b01;
    public static final int CLASS_SUCCESS_RESPONSE = 0b10;
    public static final int CLASS_ERROR_RESPONSE = 0b11;
    /** RFC 8489 §18.2: the only method ICE uses. */
    public static final int METHOD_BINDING = 0x001;

    /** Attribute types: RFC 8489 §18.3, RFC 8445 §16.1, and Google's renomination. */
    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_USERNAME = 0x0006;
    public static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    public static final int ATTR_ERROR_CODE = 0x0009;
    public static final int ATTR_REALM = 0x0014;
    public static final int ATTR_NONCE = 0x0015;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_PRIORITY = 0x0024;
    public static final int ATTR_USE_CANDIDATE = 0x0025;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;
    public static final int ATTR_ICE_CONTROLLED = 0x8029;
    public static final int ATTR_ICE_CONTROLLING = 0x802A;
    /** draft-thatcher-ice-renomination §3, the type libwebrtc and mediasoup use. */
    public static final int ATTR_NOMINATION = 0xC001;

    public static final int MESSAGE_INTEGRITY_LENGTH = 20;
    public static final int FINGERPRINT_LENGTH = 4;
    /** RFC 8489 §14.7: FINGERPRINT is the CRC-32 of the message XOR this value. */
    public static final int FINGERPRINT_XOR = 0x5354554E;

    /** RFC 5389 §15.3 allowed USERNAME up to 512 bytes, which two 256-char ICE ufrags need (RFC 8839 §5.4). */
    private static final int MAX_USERNAME_LENGTH = 513;
    /** RFC 8489 §14.14: SOFTWARE is fewer than 128 characters, at most 763 bytes. */
    private static final int MAX_SOFTWARE_LENGTH = 763;
    private static final int FAMILY_IPV4 = 0x01;
    private static final int FAMILY_IPV6 = 0x02;

    private ByteBuf buf;
    private int start;
    private int length;
    private int messageClass;
    private int method;

    private int usernameIndex;
    private int usernameLength;
    private int softwareIndex;
    private int softwareLength;
    private long priority;
    private boolean hasPriority;
    private long iceControlling;
    private boolean hasIceControlling;
    private long iceControlled;
    private boolean hasIceControlled;
    private boolean useCandidate;
    private long nomination;
    private boolean hasNomination;
    private int xorMappedAddressIndex;
    private int errorCode;
    private int messageIntegrityIndex;
    private int fingerprintIndex;

    private StunDigests digests;

    /** A fresh view over the readable bytes of {@code buf}, or null if they are not one well-formed STUN message. */
    public static StunMessage parse(ByteBuf buf) {
        return new StunMessage().wrap(buf);
    }

    /**
     * Points this view at the readable bytes of {@code buf} (one whole datagram or RFC 4571 frame).
     * Returns this, or null when the bytes are not one well-formed STUN message; never throws.
     */
    public StunMessage wrap(ByteBuf buf) {
        reset();
        int index = buf.readerIndex();
        int size = buf.readableBytes();
        if (!isStunHeader(buf, index, size)) {
            return null;
        }
        int bodyLength = buf.getUnsignedShort(index + 2);
        // RFC 8489 §5: the length excludes the header, and attributes are 4-byte aligned.
        if (bodyLength != size - HEADER_LENGTH || (bodyLength & 3) != 0) {
            return null;
        }
        this.buf = buf;
        this.start = index;
        this.length = size;
        int type = buf.getUnsignedShort(index);
        messageClass = ((type >> 7) & 0b10) | ((type >> 4) & 0b01);
        method = (type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80);
        if (!parseAttributes(index + HEADER_LENGTH, index + size)) {
            reset();
            return null;
        }
        return this;
    }

    /**
     * RFC 7983 §7 and RFC 8489 §5: the first two bits are zero, the magic cookie is present and the
     * header fits. Cheap enough to demultiplex with.
     */
    public static boolean isStunHeader(ByteBuf buf, int index, int size) {
        return size >= HEADER_LENGTH
                && (buf.getUnsignedByte(index) & 0xC0) == 0
                && buf.getInt(index + 4) == MAGIC_COOKIE;
    }

    private boolean parseAttributes(int position, int end) {
        boolean afterIntegrity = false;
        while (position < end) {
            if (end - position < 4) {
                return false;
            }
            if (fingerprintIndex >= 0) {
                // RFC 8489 §14.7: FINGERPRINT is the last attribute.
                return false;
            }
            int type = buf.getUnsignedShort(position);
            int valueLength = buf.getUnsignedShort(position + 2);
            int value = position + 4;
            int next = value + ((valueLength + 3) & ~3);
            // RFC 8489 §14: the value and its padding to 4 bytes lie inside the message.
            if (next > end) {
                return false;
            }
            if (type == ATTR_FINGERPRINT) {
                if (valueLength != FINGERPRINT_LENGTH) {
                    return false;
                }
                fingerprintIndex = position;
            } else if (afterIntegrity) {
                // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (but FINGERPRINT) are ignored.
            } else if (!readAttribute(type, value, valueLength, position)) {
                return false;
            } else if (type == ATTR_MESSAGE_INTEGRITY) {
                afterIntegrity = true;
            }
            position = next;
        }
        return true;
    }

    /** Records one attribute's value; RFC 8489 §14: only the first of a repeated attribute counts. */
    private boolean readAttribute(int type, int value, int valueLength, int attributeIndex) {
        switch (type) {
            case ATTR_USERNAME -> {
                if (valueLength > MAX_USERNAME_LENGTH) {
                    return false;
                }
                if (usernameIndex < 0) {
                    usernameIndex = value;
                    usernameLength = valueLength;
                }
            }
            case ATTR_SOFTWARE -> {
                if (valueLength > MAX_SOFTWARE_LENGTH) {
                    return false;
                }
                if (softwareIndex < 0) {
                    softwareIndex = value;
                    softwareLength = valueLength;
                }
            }
            case ATTR_PRIORITY -> {
                // RFC 8445 §16.1: PRIORITY is a 32-bit unsigned integer.
                if (valueLength != 4) {
                    return false;
                }
                if (!hasPriority) {
                    hasPriority = true;
                    priority = buf.getUnsignedInt(value);
                }
            }
            case ATTR_ICE_CONTROLLING -> {
                // RFC 8445 §16.1: a 64-bit tie-breaker.
                if (valueLength != 8) {
                    return false;
                }
                if (!hasIceControlling) {
                    hasIceControlling = true;
                    iceControlling = buf.getLong(value);
                }
            }
            case ATTR_ICE_CONTROLLED -> {
                if (valueLength != 8) {
                    return false;
                }
                if (!hasIceControlled) {
                    hasIceControlled = true;
                    iceControlled = buf.getLong(value);
                }
            }
            case ATTR_USE_CANDIDATE -> {
                // RFC 8445 §16.1: USE-CANDIDATE has no value.
                if (valueLength != 0) {
                    return false;
                }
                useCandidate = true;
            }
            case ATTR_NOMINATION -> {
                if (valueLength != 4) {
                    return false;
                }
                if (!hasNomination) {
                    hasNomination = true;
                    nomination = buf.getUnsignedInt(value);
                }
            }
            case ATTR_XOR_MAPPED_ADDRESS -> {
                if (!isValidAddressValue(value, valueLength)) {
                    return false;
                }
                if (xorMappedAddressIndex < 0) {
                    xorMappedAddressIndex = value;
                }
            }
            case ATTR_ERROR_CODE -> {
                // RFC 8489 §14.8: class 3..6, number 0..99, then a reason phrase.
                if (valueLength < 4) {
                    return false;
                }
                int errorClass = buf.getUnsignedByte(value + 2) & 0x07;
                int number = buf.getUnsignedByte(value + 3);
                if (errorClass < 3 || errorClass > 6 || number > 99) {
                    return false;
                }
                if (errorCode == 0) {
                    errorCode = errorClass * 100 + number;
                }
            }
            case ATTR_MESSAGE_INTEGRITY -> {
                if (valueLength != MESSAGE_INTEGRITY_LENGTH) {
                    return false;
                }
                messageIntegrityIndex = attributeIndex;
            }
            default -> {
                // Unknown attributes are skipped; RFC 8489 §6.3.1's 420 reply is not needed by ICE peers.
            }
        }
        return true;
    }

    /** RFC 8489 §14.1/§14.2: 1 reserved byte, family, port, then 4 (IPv4) or 16 (IPv6) address bytes. */
    private boolean isValidAddressValue(int value, int valueLength) {
        if (valueLength < 4) {
            return false;
        }
        int family = buf.getUnsignedByte(value + 1);
        return (family == FAMILY_IPV4 && valueLength == 8) || (family == FAMILY_IPV6 && valueLength == 20);
    }

    private void reset() {
        buf = null;
        start = 0;
        length = 0;
        messageClass = 0;
        method = 0;
        usernameIndex = -1;
        usernameLength = 0;
        softwareIndex = -1;
        softwareLength = 0;
        priority = 0;
        hasPriority = false;
        iceControlling = 0;
        hasIceControlling = false;
        iceControlled = 0;
        hasIceControlled = false;
        useCandidate = false;
        nomination = 0;
        hasNomination = false;
        xorMappedAddressIndex = -1;
        errorCode = 0;
        messageIntegrityIndex = -1;
        fingerprintIndex = -1;
    }

    /**
     * RFC 8489 §14.7: true when FINGERPRINT is present and equals the CRC-32 of everything before
     * it, XOR 0x5354554e.
     */
    public boolean isFingerprintValid() {
        if (fingerprintIndex < 0) {
            return false;
        }
        int computed = digests().crc32(buf, start, fingerprintIndex - start) ^ FINGERPRINT_XOR;
        return computed == buf.getInt(fingerprintIndex + 4);
    }

    /**
     * RFC 8489 §14.5: true when MESSAGE-INTEGRITY is present and equals the HMAC-SHA1, keyed by
     * {@code mac}, of the message up to that attribute with the length field counting up to its end.
     * For ICE's short-term credential the key is the local password (§9.1.1).
     */
    public boolean isMessageIntegrityValid(Mac mac) {
        if (messageIntegrityIndex < 0) {
            return false;
        }
        return digests().hmacMatches(mac, buf, start, messageIntegrityIndex, messageIntegrityIndex + 4);
    }

    private StunDigests digests() {
        if (digests == null) {
            digests = new StunDigests();
        }
        return digests;
    }

    /** An HMAC-SHA1 keyed for STUN's short-term credential mechanism (RFC 8489 §9.1.1). */
    public static Mac newShortTermMac(String password) {
        return newHmacSha1(password.getBytes(StandardCharsets.UTF_8));
    }

    /** An HMAC-SHA1 with the given key, for {@link #isMessageIntegrityValid} and the writer. */
    public static Mac newHmacSha1(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every Java runtime", e);
        }
    }

    /**
     * Where the value of the first attribute of {@code type} starts (absolute index in {@code buf}),
     * or -1. Walks the attributes of the message at the reader index with bounds checks only, for
     * demultiplexing before a full {@link #wrap}.
     */
    public static int findAttributeValue(ByteBuf buf, int type) {
        int index = buf.readerIndex();
        int size = buf.readableBytes();
        if (!isStunHeader(buf, index, size) || buf.getUnsignedShort(index + 2) != size - HEADER_LENGTH) {
            return -1;
        }
        int end = index + size;
        int position = index + HEADER_LENGTH;
        while (end - position >= 4) {
            int valueLength = buf.getUnsignedShort(position + 2);
            int next = position + 4 + ((valueLength + 3) & ~3);
            if (next > end) {
                return -1;
            }
            if (buf.getUnsignedShort(position) == type) {
                return position + 4;
            }
            position = next;
        }
        return -1;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first header byte in {@link #buffer()}. */
    public int startIndex() {
        return start;
    }

    /** Whole message length, header included. */
    public int length() {
        return length;
    }

    public int messageClass() {
        return messageClass;
    }

    public int method() {
        return method;
    }

    public boolean isBindingRequest() {
        return messageClass == CLASS_REQUEST && method == METHOD_BINDING;
    }

    /** Absolute index of the 12 transaction id bytes in {@link #buffer()}. */
    public int transactionIdIndex() {
        return start + 8;
    }

    public boolean hasUsername() {
        return usernameIndex >= 0;
    }

    /** Absolute index of the USERNAME value, -1 when absent. */
    public int usernameIndex() {
        return usernameIndex;
    }

    public int usernameLength() {
        return usernameLength;
    }

    /**
     * RFC 8445 §7.2.2: the USERNAME of a check to us is "our ufrag:their ufrag". True when the
     * USERNAME starts with {@code ufrag} (ASCII bytes) followed by a colon. Allocates nothing.
     */
    public boolean usernameStartsWithFragment(byte[] ufrag) {
        if (usernameIndex < 0 || usernameLength <= ufrag.length) {
            return false;
        }
        for (int i = 0; i < ufrag.length; i++) {
            if (buf.getByte(usernameIndex + i) != ufrag[i]) {
                return false;
            }
        }
        return buf.getByte(usernameIndex + ufrag.length) == ':';
    }

    /** USERNAME as a String (allocates: for logs and tests). */
    public String username() {
        return usernameIndex < 0 ? null : buf.toString(usernameIndex, usernameLength, StandardCharsets.UTF_8);
    }

    /** SOFTWARE as a String (allocates), or null. */
    public String software() {
        return softwareIndex < 0 ? null : buf.toString(softwareIndex, softwareLength, StandardCharsets.UTF_8);
    }

    public boolean hasPriority() {
        return hasPriority;
    }

    public long priority() {
        return priority;
    }

    public boolean hasIceControlling() {
        return hasIceControlling;
    }

    public long iceControlling() {
        return iceControlling;
    }

    public boolean hasIceControlled() {
        return hasIceControlled;
    }

    public long iceControlled() {
        return iceControlled;
    }

    public boolean hasUseCandidate() {
        return useCandidate;
    }

    public boolean hasNomination() {
        return hasNomination;
    }

    public long nomination() {
        return nomination;
    }

    /** ERROR-CODE as class * 100 + number, 0 when absent. */
    public int errorCode() {
        return errorCode;
    }

    public boolean hasMessageIntegrity() {
        return messageIntegrityIndex >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintIndex >= 0;
    }

    public boolean hasXorMappedAddress() {
        return xorMappedAddressIndex >= 0;
    }

    /** RFC 8489 §14.2: the port XORed with the cookie's top 16 bits, -1 when absent. */
    public int xorMappedPort() {
        return xorMappedAddressIndex < 0 ? -1 : buf.getUnsignedShort(xorMappedAddressIndex + 2) ^ (MAGIC_COOKIE >>> 16);
    }

    /**
     * RFC 8489 §14.2: XOR-MAPPED-ADDRESS decoded (allocates: a client-side and test helper), or null.
     * The IPv4 address is XORed with the cookie, the IPv6 one with cookie + transaction id.
     */
    public InetSocketAddress xorMappedAddress() {
        if (xorMappedAddressIndex < 0) {
            return null;
        }
        boolean ipv4 = buf.getUnsignedByte(xorMappedAddressIndex + 1) == FAMILY_IPV4;
        byte[] address = new byte[ipv4 ? 4 : 16];
        for (int i = 0; i < address.length; i++) {
            address[i] = (byte) (buf.getByte(xorMappedAddressIndex + 4 + i) ^ buf.getByte(start + 4 + i));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), xorMappedPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }
}
