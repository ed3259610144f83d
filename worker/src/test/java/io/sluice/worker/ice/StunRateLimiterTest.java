package io.sluice.worker.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class StunRateLimiterTest {

    private static InetAddress address(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void aBurstThenTheRefillRate() throws Exception {
        StunRateLimiter limiter = new StunRateLimiter(16, 3, 2);
        InetAddress peer = address("127.0.0.1");
        long now = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.isLimited(peer, now)).isFalse();
            limiter.charge(peer, now);
        }
        assertThat(limiter.isLimited(peer, now)).isTrue();
        assertThat(limiter.isLimited(peer, now + 499)).isTrue();
        assertThat(limiter.isLimited(peer, now + 500)).isFalse(); // 2 per second: one token per 500 ms
        limiter.charge(peer, now + 500);
        assertThat(limiter.isLimited(peer, now + 500)).isTrue();
        // A long silence refills up to the burst, not beyond.
        long later = now + 3_600_000;
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.isLimited(peer, later)).isFalse();
            limiter.charge(peer, later);
        }
        assertThat(limiter.isLimited(peer, later)).isTrue();
    }

    @Test
    void addressesHaveTheirOwnBuckets() throws Exception {
        StunRateLimiter limiter = new StunRateLimiter(256, 1, 1);
        limiter.charge(address("127.0.0.1"), 0);
        assertThat(limiter.isLimited(address("127.0.0.1"), 0)).isTrue();
        assertThat(limiter.isLimited(address("127.0.0.2"), 0)).isFalse();
        assertThat(limiter.isLimited(address("::1"), 0)).isFalse();
    }

    @Test
    void aSingleSlotIsTakenOverByTheNextAddressWithAFullBucket() throws Exception {
        StunRateLimiter limiter = new StunRateLimiter(1, 1, 1);
        limiter.charge(address("127.0.0.1"), 0);
        assertThat(limiter.isLimited(address("127.0.0.1"), 0)).isTrue();
        assertThat(limiter.isLimited(address("127.0.0.2"), 0)).isFalse();
        // The first address lost its slot: memory stays bounded at the price of forgetting it.
        assertThat(limiter.isLimited(address("127.0.0.1"), 0)).isFalse();
    }

    @Test
    void rejectsNonsenseSizes() {
        assertThatThrownBy(() -> new StunRateLimiter(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StunRateLimiter(1 << 17, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StunRateLimiter(8, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StunRateLimiter(8, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
