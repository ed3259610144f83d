package io.sluice.worker.net;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.ice.StunMessage;
import io.sluice.worker.ice.TransportTuple;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Routes packets arriving on a port shared by many transports (a WebRtcServer) to their owner: by
 * the tuple once the owner's ICE server validated it, else, for STUN, by the local ufrag that
 * starts the USERNAME (RFC 8445 §7.2.2: "local ufrag:remote ufrag").
 *
 * <p>Lookups allocate nothing. Trade-off for the ufrag: rather than decoding a String per packet,
 * the ufrag bytes are hashed (FNV-1a) in place and probed in our own open-addressing table whose
 * keys are the registered ufrags' ASCII bytes; a hit is confirmed byte by byte, so there are no
 * false matches. The cost is this small hash table instead of a HashMap. An attacker can choose
 * the bytes hashed but cannot insert keys, so probes stay short (load factor at most 1/2). Tuples
 * are keyed by the remote InetSocketAddress the channel hands us, chained by local id and protocol.
 *
 * <p>Registration is a control-path operation; all of it runs on the server's event loop.
 */
public final class UsernameFragmentIndex<T> {

    private static final int INITIAL_CAPACITY = 16;

    private byte[][] fragmentKeys = new byte[INITIAL_CAPACITY][];
    private Object[] fragmentOwners = new Object[INITIAL_CAPACITY];
    private int fragmentCount;

    private final Map<InetSocketAddress, TupleEntry<T>> tuplesByRemote = new HashMap<>();
    private int tupleCount;

    private static final class TupleEntry<T> {
        final int localId;
        final TransportTuple.Protocol protocol;
        final T owner;
        TupleEntry<T> next;

        TupleEntry(int localId, TransportTuple.Protocol protocol, T owner, TupleEntry<T> next) {
            this.localId = localId;
            this.protocol = protocol;
            this.owner = owner;
            this.next = next;
        }
    }

    /** Routes STUN whose USERNAME starts with {@code usernameFragment + ":"} to {@code owner}. */
    public void addUsernameFragment(String usernameFragment, T owner) {
        Objects.requireNonNull(owner, "owner");
        byte[] key = usernameFragment.getBytes(StandardCharsets.US_ASCII);
        int slot = slotOf(key, fragmentKeys);
        if (fragmentKeys[slot] != null) {
            if (fragmentOwners[slot] != owner) {
                throw new IllegalArgumentException("ufrag " + usernameFragment + " already belongs to another transport");
            }
            return;
        }
        fragmentKeys[slot] = key;
        fragmentOwners[slot] = owner;
        fragmentCount++;
        if (fragmentCount * 2 > fragmentKeys.length) {
            rehash(fragmentKeys.length * 2);
        }
    }

    /** True when the ufrag was registered. */
    public boolean removeUsernameFragment(String usernameFragment) {
        byte[] key = usernameFragment.getBytes(StandardCharsets.US_ASCII);
        int slot = slotOf(key, fragmentKeys);
        if (fragmentKeys[slot] == null) {
            return false;
        }
        fragmentKeys[slot] = null;
        fragmentOwners[slot] = null;
        fragmentCount--;
        // Linear probing: re-place the rest of the cluster so no lookup stops early at the hole.
        int mask = fragmentKeys.length - 1;
        for (int i = (slot + 1) & mask; fragmentKeys[i] != null; i = (i + 1) & mask) {
            byte[] movedKey = fragmentKeys[i];
            Object movedOwner = fragmentOwners[i];
            fragmentKeys[i] = null;
            fragmentOwners[i] = null;
            int target = slotOf(movedKey, fragmentKeys);
            fragmentKeys[target] = movedKey;
            fragmentOwners[target] = movedOwner;
        }
        return true;
    }

    /** The owner of the ufrag held in {@code length} bytes at {@code index} of {@code buf}, or null. */
    @SuppressWarnings("unchecked")
    public T findByUsernameFragment(ByteBuf buf, int index, int length) {
        int mask = fragmentKeys.length - 1;
        for (int slot = hash(buf, index, length) & mask; fragmentKeys[slot] != null; slot = (slot + 1) & mask) {
            if (bytesEqual(fragmentKeys[slot], buf, index, length)) {
                return (T) fragmentOwners[slot];
            }
        }
        return null;
    }

    /**
     * The owner named by the local ufrag of a STUN message's USERNAME (the bytes before the first
     * colon), or null when the packet is not STUN, has no USERNAME or names nobody. This does not
     * validate the message; the owner's ICE server does.
     */
    public T findByStunUsername(ByteBuf stunPacket) {
        int value = StunMessage.findAttributeValue(stunPacket, StunMessage.ATTR_USERNAME);
        if (value < 0) {
            return null;
        }
        int usernameLength = stunPacket.getUnsignedShort(value - 2);
        int colon = stunPacket.indexOf(value, value + usernameLength, (byte) ':');
        if (colon <= value) {
            return null;
        }
        return findByUsernameFragment(stunPacket, value, colon - value);
    }

    /** Routes every packet of {@code tuple} to {@code owner} (call on the ICE server's tuple-added event). */
    public void addTuple(TransportTuple tuple, T owner) {
        Objects.requireNonNull(owner, "owner");
        TupleEntry<T> head = tuplesByRemote.get(tuple.remoteAddress());
        for (TupleEntry<T> entry = head; entry != null; entry = entry.next) {
            if (entry.localId == tuple.localId() && entry.protocol == tuple.protocol()) {
                if (entry.owner != owner) {
                    throw new IllegalArgumentException("tuple " + tuple + " already belongs to another transport");
                }
                return;
            }
        }
        tuplesByRemote.put(tuple.remoteAddress(), new TupleEntry<>(tuple.localId(), tuple.protocol(), owner, head));
        tupleCount++;
    }

    /** True when the tuple was registered. */
    public boolean removeTuple(TransportTuple tuple) {
        TupleEntry<T> head = tuplesByRemote.get(tuple.remoteAddress());
        TupleEntry<T> previous = null;
        for (TupleEntry<T> entry = head; entry != null; previous = entry, entry = entry.next) {
            if (entry.localId == tuple.localId() && entry.protocol == tuple.protocol()) {
                if (previous != null) {
                    previous.next = entry.next;
                } else if (entry.next != null) {
                    tuplesByRemote.put(tuple.remoteAddress(), entry.next);
                } else {
                    tuplesByRemote.remove(tuple.remoteAddress());
                }
                tupleCount--;
                return true;
            }
        }
        return false;
    }

    /** The owner of a validated tuple, or null. */
    public T findByTuple(int localId, InetSocketAddress remoteAddress, TransportTuple.Protocol protocol) {
        for (TupleEntry<T> entry = tuplesByRemote.get(remoteAddress); entry != null; entry = entry.next) {
            if (entry.localId == localId && entry.protocol == protocol) {
                return entry.owner;
            }
        }
        return null;
    }

    /** The owner of a packet: by its tuple if known, else (STUN only) by the USERNAME's local ufrag. */
    public T find(ByteBuf packet, int localId, InetSocketAddress remoteAddress, TransportTuple.Protocol protocol) {
        T owner = findByTuple(localId, remoteAddress, protocol);
        if (owner != null || !PacketClassifier.isStun(packet)) {
            return owner;
        }
        return findByStunUsername(packet);
    }

    /** Forgets every ufrag and tuple of {@code owner} (its transport closed). */
    public void removeOwner(T owner) {
        List<String> ownedFragments = new ArrayList<>();
        for (int slot = 0; slot < fragmentKeys.length; slot++) {
            if (fragmentOwners[slot] == owner) {
                ownedFragments.add(new String(fragmentKeys[slot], StandardCharsets.US_ASCII));
            }
        }
        ownedFragments.forEach(this::removeUsernameFragment);
        Iterator<Map.Entry<InetSocketAddress, TupleEntry<T>>> remotes = tuplesByRemote.entrySet().iterator();
        while (remotes.hasNext()) {
            Map.Entry<InetSocketAddress, TupleEntry<T>> remote = remotes.next();
            TupleEntry<T> kept = null;
            for (TupleEntry<T> entry = remote.getValue(); entry != null; entry = entry.next) {
                if (entry.owner == owner) {
                    tupleCount--;
                } else {
                    kept = new TupleEntry<>(entry.localId, entry.protocol, entry.owner, kept);
                }
            }
            if (kept == null) {
                remotes.remove();
            } else {
                remote.setValue(kept);
            }
        }
    }

    public int usernameFragmentCount() {
        return fragmentCount;
    }

    public int tupleCount() {
        return tupleCount;
    }

    private void rehash(int capacity) {
        byte[][] oldKeys = fragmentKeys;
        Object[] oldOwners = fragmentOwners;
        fragmentKeys = new byte[capacity][];
        fragmentOwners = new Object[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = slotOf(oldKeys[i], fragmentKeys);
                fragmentKeys[slot] = oldKeys[i];
                fragmentOwners[slot] = oldOwners[i];
            }
        }
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private static int slotOf(byte[] key, byte[][] keys) {
        int mask = keys.length - 1;
        int slot = hash(key) & mask;
        while (keys[slot] != null && !Arrays.equals(keys[slot], key)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /** FNV-1a, then a final mix so the low bits used as the slot depend on every byte. */
    private static int hash(byte[] bytes) {
        int h = 0x811C9DC5;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return mix(h);
    }

    private static int hash(ByteBuf buf, int index, int length) {
        int h = 0x811C9DC5;
        for (int i = 0; i < length; i++) {
            h = (h ^ buf.getUnsignedByte(index + i)) * 0x01000193;
        }
        return mix(h);
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private static boolean bytesEqual(byte[] key, ByteBuf buf, int index, int length) {
        if (key.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (key[i] != buf.getByte(index + i)) {
                return false;
            }
        }
        return true;
    }
}
