package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.worker.ice.IceCredentials;
import io.sluice.worker.ice.StunMessage;
import io.sluice.worker.ice.StunMessageWriter;
import io.sluice.worker.ice.TransportTuple;
import io.sluice.worker.ice.TransportTuple.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UsernameFragmentIndexTest {

    private final UsernameFragmentIndex<String> index = new UsernameFragmentIndex<>();

    @Test
    void rfc8445_section7_2_2_stunIsRoutedByTheLocalUfragBeforeTheColon() {
        index.addUsernameFragment("abcdefgh", "transport-1");
        index.addUsernameFragment("abcdefg", "transport-2");

        assertThat(findByUsername("abcdefgh:remote")).isEqualTo("transport-1");
        assertThat(findByUsername("abcdefg:remote")).isEqualTo("transport-2");
        assertThat(findByUsername("abcdef:remote")).isNull();
        assertThat(findByUsername("abcdefgh")).isNull(); // no colon
        assertThat(findByUsername(":abcdefgh")).isNull();
        assertThat(findByUsername("abcdefghi:remote")).isNull();
    }

    @Test
    void packetsOfKnownTuplesGoToTheirOwnerWhateverTheyAre() {
        TransportTuple tuple = new TransportTuple(3, remote(5000), Protocol.UDP);
        index.addTuple(tuple, "transport-1");
        index.addTuple(new TransportTuple(4, remote(5000), Protocol.UDP), "transport-2");
        index.addTuple(new TransportTuple(3, remote(5000), Protocol.TCP), "transport-3");

        ByteBuf rtp = PooledByteBufAllocator.DEFAULT.buffer().writeByte(0x80).writeByte(96).writeZero(10);
        assertThat(index.find(rtp, 3, remote(5000), Protocol.UDP)).isEqualTo("transport-1");
        assertThat(index.find(rtp, 4, remote(5000), Protocol.UDP)).isEqualTo("transport-2");
        assertThat(index.find(rtp, 3, remote(5000), Protocol.TCP)).isEqualTo("transport-3");
        assertThat(index.find(rtp, 3, remote(5001), Protocol.UDP)).isNull();
        assertThat(index.tupleCount()).isEqualTo(3);

        assertThat(index.removeTuple(tuple)).isTrue();
        assertThat(index.removeTuple(tuple)).isFalse();
        assertThat(index.find(rtp, 3, remote(5000), Protocol.UDP)).isNull();
        assertThat(index.find(rtp, 4, remote(5000), Protocol.UDP)).isEqualTo("transport-2");
        assertThat(rtp.release()).isTrue();
    }

    @Test
    void unknownTuplesFallBackToTheStunUsername() {
        index.addUsernameFragment("localufrag", "transport-1");
        ByteBuf stun = stunWithUsername("localufrag:peer");
        assertThat(index.find(stun, 1, remote(5000), Protocol.UDP)).isEqualTo("transport-1");
        assertThat(stun.release()).isTrue();
    }

    @Test
    void aUfragOrTupleBelongsToOneOwner() {
        index.addUsernameFragment("localufrag", "transport-1");
        index.addUsernameFragment("localufrag", "transport-1");
        assertThatThrownBy(() -> index.addUsernameFragment("localufrag", "transport-2"))
                .isInstanceOf(IllegalArgumentException.class);
        TransportTuple tuple = new TransportTuple(1, remote(5000), Protocol.UDP);
        index.addTuple(tuple, "transport-1");
        assertThatThrownBy(() -> index.addTuple(tuple, "transport-2")).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.usernameFragmentCount()).isEqualTo(1);
        assertThat(index.tupleCount()).isEqualTo(1);
    }

    @Test
    void removeOwnerForgetsAllOfItsEntries() {
        index.addUsernameFragment("ufrag-a-1", "a");
        index.addUsernameFragment("ufrag-b-1", "b");
        index.addUsernameFragment("ufrag-a-2", "a");
        index.addTuple(new TransportTuple(1, remote(5000), Protocol.UDP), "a");
        index.addTuple(new TransportTuple(2, remote(5000), Protocol.UDP), "b");
        index.addTuple(new TransportTuple(1, remote(5001), Protocol.UDP), "a");

        index.removeOwner("a");

        assertThat(index.usernameFragmentCount()).isEqualTo(1);
        assertThat(index.tupleCount()).isEqualTo(1);
        assertThat(findByUsername("ufrag-a-1:x")).isNull();
        assertThat(findByUsername("ufrag-a-2:x")).isNull();
        assertThat(findByUsername("ufrag-b-1:x")).isEqualTo("b");
        assertThat(index.findByTuple(2, remote(5000), Protocol.UDP)).isEqualTo("b");
        assertThat(index.findByTuple(1, remote(5001), Protocol.UDP)).isNull();
    }

    /** The open-addressing table against a HashMap, through growth and many removals. */
    @Test
    void behavesLikeAMapUnderRandomAddsAndRemoves() {
        SplittableRandom random = new SplittableRandom(4571);
        Map<String, String> model = new HashMap<>();
        List<String> known = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            if (known.isEmpty() || random.nextInt(3) > 0) {
                String ufrag = IceCredentials.generate(random).usernameFragment().substring(0, 4 + random.nextInt(12));
                if (!model.containsKey(ufrag)) {
                    index.addUsernameFragment(ufrag, "owner-" + step);
                    model.put(ufrag, "owner-" + step);
                    known.add(ufrag);
                }
            } else {
                String ufrag = known.remove(random.nextInt(known.size()));
                assertThat(index.removeUsernameFragment(ufrag)).isTrue();
                model.remove(ufrag);
            }
            if (step % 250 == 0) {
                assertThat(index.usernameFragmentCount()).isEqualTo(model.size());
                for (Map.Entry<String, String> entry : model.entrySet()) {
                    assertThat(lookup(entry.getKey())).isEqualTo(entry.getValue());
                }
                assertThat(lookup("neverregistered")).isNull();
            }
        }
    }

    /** Unpooled: the paranoid leak detector would record every access of a pooled buffer. */
    private String lookup(String ufrag) {
        ByteBuf bytes = Unpooled.wrappedBuffer(ufrag.getBytes(StandardCharsets.US_ASCII));
        try {
            return index.findByUsernameFragment(bytes, bytes.readerIndex(), bytes.readableBytes());
        } finally {
            bytes.release();
        }
    }

    private String findByUsername(String username) {
        ByteBuf stun = stunWithUsername(username);
        try {
            return index.findByStunUsername(stun);
        } finally {
            assertThat(stun.release()).isTrue();
        }
    }

    private static ByteBuf stunWithUsername(String username) {
        ByteBuf transactionId = PooledByteBufAllocator.DEFAULT.buffer().writeZero(12);
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
        new StunMessageWriter().begin(out, StunMessage.CLASS_REQUEST, StunMessage.METHOD_BINDING, transactionId, 0)
                .addPriority(1)
                .addUsername(username.getBytes(StandardCharsets.US_ASCII))
                .addFingerprint();
        transactionId.release();
        return out;
    }

    private static InetSocketAddress remote(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
