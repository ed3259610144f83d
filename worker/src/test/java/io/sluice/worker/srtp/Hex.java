package io.sluice.worker.srtp;

import java.util.HexFormat;

/** Hex as the RFCs print it: spaces, line breaks and case do not matter. */
final class Hex {
    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", "").toLowerCase());
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
