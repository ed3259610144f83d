package io.sluice.worker.ice;

import java.net.InetAddress;

/**
 * Token buckets per remote IP address that bound how many bad STUN packets we process (and answer)
 * from one address: each bad packet costs a token, tokens refill at a fixed rate up to a burst, and
 * while an address has no token its packets are dropped before any parsing or HMAC.
 *
 * <p>Each WebRTC transport has its own limiter ({@link #perTransport}), so the buckets are per
 * transport and per source: a flood of bad checks at one transport empties only that transport's
 * bucket for the flooding address, and another transport's checks from the same address (peers
 * behind one NAT) are still answered. The HMAC work a flood can cause is bounded per transport.
 *
 * <p>The map is a fixed, direct-mapped table: an address hashes to one slot, and a different address
 * landing there takes the slot over with a full bucket. So memory is bounded, nothing is allocated
 * per packet, and an attacker spraying many source addresses evicts slots instead of growing a map
 * (per-address limiting cannot stop such a spray anyway; it stops one noisy address). Time comes
 * from the caller, in milliseconds of a monotonic clock. One event loop owns an instance.
 */
public final class StunRateLimiter {

    private static final long MILLI_TOKENS_PER_TOKEN = 1000;
    /** The slot index takes the top 16 bits of the mixed hash. */
    private static final int MAX_SLOTS = 1 << 16;

    private final InetAddress[] addresses;
    private final long[] milliTokens;
    private final long[] refilledAtMillis;
    private final int mask;
    private final long capacityMilliTokens;
    private final long refillMilliTokensPerMilli;

    /**
     * @param slots rounded up to a power of two
     * @param burst bad packets accepted back to back from one address
     * @param refillPerSecond bad packets per second accepted from one address in the long run
     */
    public StunRateLimiter(int slots, int burst, int refillPerSecond) {
        if (slots < 1 || slots > MAX_SLOTS || burst < 1 || refillPerSecond < 1) {
            throw new IllegalArgumentException("need 1..65536 slots and a positive burst and refill rate");
        }
        int size = slots == 1 ? 1 : Integer.highestOneBit(slots - 1) << 1;
        addresses = new InetAddress[size];
        milliTokens = new long[size];
        refilledAtMillis = new long[size];
        mask = size - 1;
        capacityMilliTokens = burst * MILLI_TOKENS_PER_TOKEN;
        // refillPerSecond tokens per 1000 ms is refillPerSecond milli-tokens per ms.
        refillMilliTokensPerMilli = refillPerSecond;
    }

    /**
     * One transport's limiter: 16 addresses (a transport hears from a handful of peer addresses),
     * a burst of 20 bad packets, then 10 per second: far above what a real peer sends.
     */
    public static StunRateLimiter perTransport() {
        return new StunRateLimiter(16, 20, 10);
    }

    /** True when {@code address} has no token left at {@code nowMillis}: drop its packet unprocessed. */
    public boolean isLimited(InetAddress address, long nowMillis) {
        int slot = slotOf(address, nowMillis);
        return milliTokens[slot] < MILLI_TOKENS_PER_TOKEN;
    }

    /** Takes one token from {@code address} for a bad packet (never below zero). */
    public void charge(InetAddress address, long nowMillis) {
        int slot = slotOf(address, nowMillis);
        milliTokens[slot] = Math.max(0, milliTokens[slot] - MILLI_TOKENS_PER_TOKEN);
    }

    /** The slot of {@code address}, claimed if another address held it, refilled up to now. */
    private int slotOf(InetAddress address, long nowMillis) {
        int slot = (address.hashCode() * 0x9E3779B9 >>> 16) & mask;
        if (!address.equals(addresses[slot])) {
            addresses[slot] = address;
            milliTokens[slot] = capacityMilliTokens;
            refilledAtMillis[slot] = nowMillis;
            return slot;
        }
        long elapsed = nowMillis - refilledAtMillis[slot];
        if (elapsed > 0) {
            // The rate is at least 1 per ms, so a gap as long as the capacity refills it all (and cannot overflow).
            long refill = elapsed >= capacityMilliTokens ? capacityMilliTokens : elapsed * refillMilliTokensPerMilli;
            milliTokens[slot] = Math.min(capacityMilliTokens, milliTokens[slot] + refill);
            refilledAtMillis[slot] = nowMillis;
        }
        return slot;
    }
}
