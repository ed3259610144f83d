package io.sluice.worker.ice;

import io.netty.buffer.ByteBufUtil;

/** The test vectors of RFC 5769 §2, byte for byte, with the RFC's field comments. */
final class Rfc5769Vectors {

    private Rfc5769Vectors() {}

    /** §2: the short-term password of §2.1-§2.3. */
    static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** §2.1 Sample Request: SOFTWARE "STUN test client", USERNAME "evtj:h6vY". */
    static final byte[] SAMPLE_REQUEST = ByteBufUtil.decodeHexDump(""
            + "00010058" // Request type and message length
            + "2112a442" // Magic cookie
            + "b7e7a701" + "bc34d686" + "fa87dfae" // Transaction ID
            + "80220010" // SOFTWARE attribute header
            + "5354554e" + "20746573" + "7420636c" + "69656e74" // User-agent name "STUN test client"
            + "00240004" // PRIORITY attribute header
            + "6e0001ff" // ICE priority value
            + "80290008" // ICE-CONTROLLED attribute header
            + "932ff9b1" + "51263b36" // Pseudo-random tie breaker
            + "00060009" // USERNAME attribute header
            + "6576746a" + "3a683676" + "59202020" // Username (9 bytes) and padding (3 bytes, 0x20)
            + "00080014" // MESSAGE-INTEGRITY attribute header
            + "9aeaa70c" + "bfd8cb56" + "781ef2b5" + "b2d3f249" + "c1b571a2" // HMAC-SHA1
            + "80280004" // FINGERPRINT attribute header
            + "e57a3bcf"); // CRC32 fingerprint

    /** §2.2 Sample IPv4 Response: SOFTWARE "test vector", mapped address 192.0.2.1 port 32853. */
    static final byte[] SAMPLE_IPV4_RESPONSE = ByteBufUtil.decodeHexDump(""
            + "0101003c" // Response type and message length
            + "2112a442" // Magic cookie
            + "b7e7a701" + "bc34d686" + "fa87dfae" // Transaction ID
            + "8022000b" // SOFTWARE attribute header
            + "74657374" + "20766563" + "746f7220" // UTF-8 server name "test vector" and padding (0x20)
            + "00200008" // XOR-MAPPED-ADDRESS attribute header
            + "0001a147" // Address family (IPv4) and xor'd mapped port number
            + "e112a643" // Xor'd mapped IPv4 address
            + "00080014" // MESSAGE-INTEGRITY attribute header
            + "2b91f599" + "fd9e90c3" + "8c7489f9" + "2af9ba53" + "f06be7d7" // HMAC-SHA1
            + "80280004" // FINGERPRINT attribute header
            + "c07d4c96"); // CRC32 fingerprint

    /** §2.3 Sample IPv6 Response: mapped address 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
    static final byte[] SAMPLE_IPV6_RESPONSE = ByteBufUtil.decodeHexDump(""
            + "01010048" // Response type and message length
            + "2112a442" // Magic cookie
            + "b7e7a701" + "bc34d686" + "fa87dfae" // Transaction ID
            + "8022000b" // SOFTWARE attribute header
            + "74657374" + "20766563" + "746f7220" // UTF-8 server name "test vector" and padding (0x20)
            + "00200014" // XOR-MAPPED-ADDRESS attribute header
            + "0002a147" // Address family (IPv6) and xor'd mapped port number
            + "0113a9fa" + "a5d3f179" + "bc25f4b5" + "bed2b9d9" // Xor'd mapped IPv6 address
            + "00080014" // MESSAGE-INTEGRITY attribute header
            + "a382954e" + "4be67bf1" + "1784c97c" + "8292c275" + "bfe3ed41" // HMAC-SHA1
            + "80280004" // FINGERPRINT attribute header
            + "c8fb0b4c"); // CRC32 fingerprint

    /**
     * §2.4 Sample Request with Long-Term Authentication: USERNAME "マトリックス" (U+30DE U+30C8
     * U+30EA U+30C3 U+30AF U+30B9), password "TheMatrIX" after SASLprep, NONCE
     * "f//499k954d6OL34oL9FSTvy64sA", REALM "example.org"; no FINGERPRINT.
     */
    static final byte[] SAMPLE_REQUEST_LONG_TERM = ByteBufUtil.decodeHexDump(""
            + "00010060" // Request type and message length
            + "2112a442" // Magic cookie
            + "78ad3433" + "c6ad72c0" + "29da412e" // Transaction ID
            + "00060012" // USERNAME attribute header
            + "e3839ee3" + "8388e383" + "aae38383" + "e382afe3" + "82b90000" // Username (18 bytes) and padding
            + "0015001c" // NONCE attribute header
            + "662f2f34" + "39396b39" + "35346436" + "4f4c3334" + "6f4c3946" + "53547679" + "36347341" // Nonce
            + "0014000b" // REALM attribute header
            + "6578616d" + "706c652e" + "6f726700" // Realm (11 bytes) and padding
            + "00080014" // MESSAGE-INTEGRITY attribute header
            + "f6702465" + "6dd64a3e" + "02b8e071" + "2e85c9a2" + "8ca89666"); // HMAC-SHA1
}
