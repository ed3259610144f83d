package io.sluice.worker.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The screen in front of BouncyCastle (RFC 6347 §4.1.2.7: invalid records are silently
 * discarded). Each row is a datagram in hex and how many of its bytes reach BouncyCastle.
 */
class RecordScreenTest {

    private static final String HELLO_FRAGMENT = "16fefd0000000000000000000f" + "010000030000000000000003" + "aabbcc";
    private static final String ENCRYPTED_24 = "17fefd00010000000000000018" + "000000000000000000000000000000000000000000000000";

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "empty, '', 0",
        "header only, 16fefd00000000000000000000, 0",
        "truncated header, 16fefd000000000000000000, 0",
        "handshake fragment, " + HELLO_FRAGMENT + ", 28",
        "fragment longer than record, 16fefd0000000000000000000c010000090000000000000009, 0",
        "fragment beyond message, 16fefd0000000000000000000f010000020000000000000003aabbcc, 0",
        "handshake shorter than its header, 16fefd000000000000000000020100, 0",
        "plaintext alert, 15fefd000000000000000000020128, 15",
        "encrypted record of 24 bytes, " + ENCRYPTED_24 + ", 37",
        "encrypted record of 23 bytes, 17fefd00010000000000000017" + "0000000000000000000000000000000000000000000000" + ", 0",
        "encrypted alert of 2 bytes, 15fefd000100000000000000020228, 0",
        "two records with the second cut short, " + HELLO_FRAGMENT + "16fefd000000000000000100ff, 28",
        "short encrypted record between two good ones, " + HELLO_FRAGMENT + "17fefd0001000000000000000401020304" + ENCRYPTED_24 + ", 65",
    })
    void copiesOnlyRecordsBouncyCastleCanHandle(String name, String hex, int expectedBytes) {
        byte[] datagram = HexFormat.of().parseHex(hex);
        byte[] out = new byte[2048];

        int copied = QueuedDatagramTransport.copyValidRecords(datagram, out, 0, out.length);

        assertThat(copied).as(name).isEqualTo(expectedBytes);
    }
}
