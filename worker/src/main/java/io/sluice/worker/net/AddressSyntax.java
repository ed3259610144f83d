package io.sluice.worker.net;

import io.netty.util.NetUtil;
import java.util.regex.Pattern;

/** Checks what is put into ICE candidates as an address: an IP literal or a DNS host name, nothing else. */
public final class AddressSyntax {

    /** RFC 1123 §2.1 labels (letters, digits, inner hyphens; 1..63), at most 253 characters in all. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private AddressSyntax() {}

    /** True for an IPv4 or IPv6 literal or a host name; never resolved. */
    public static boolean isIpOrHostName(String address) {
        return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address)
                || HOST_NAME.matcher(address).matches();
    }
}
