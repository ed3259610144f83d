package io.sluice.worker.ice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.worker.time.Clock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;

/**
 * The ICE-lite agent of one WebRtcTransport (RFC 8445 §2.5, §6.1.2, §7.3): always controlled, it
 * sends no checks, answers the peer's Binding requests, learns tuples from them, follows the
 * peer's nomination (USE-CANDIDATE, or NOMINATION for renomination) and watches consent freshness
 * (RFC 7675) of the selected tuple.
 *
 * <p>Not thread-safe: its owner drives it from one event loop ({@link #processStunPacket} for each
 * STUN packet, {@link #tick} from a periodic timer) and hears back through {@link Listener}, whose
 * callbacks all run before the call that caused them returns. Time is the injected clock's
 * monotonic milliseconds. Per packet it allocates nothing but the pooled response buffer, and a
 * {@link TransportTuple} the first time a remote address is validated.
 */
public final class IceServer {

    /** How an IceServer reaches its owner. */
    public interface Listener {

        /**
         * Send {@code response} (one bare STUN message, to be RFC 4571-framed on TCP) on {@code tuple}.
         * The listener owns the buffer and must release it (writing it to a channel does). For error
         * responses to an address that is not a valid tuple, {@code tuple} is transient: do not keep it.
         */
        void onStunResponse(ByteBuf response, TransportTuple tuple);

        void onIceStateChanged(IceState state);

        /** The peer's packets now go to and come from {@code tuple}; never null. */
        void onSelectedTupleChanged(TransportTuple tuple);

        /** A remote address passed a check: its packets are now valid (for a WebRtcServer's demux map). */
        void onTupleAdded(TransportTuple tuple);

        void onTupleRemoved(TransportTuple tuple);

        /** A local ufrag to route to this transport (for a WebRtcServer sharing one port). */
        void onLocalUsernameFragmentAdded(String usernameFragment);

        void onLocalUsernameFragmentRemoved(String usernameFragment);
    }

    /**
     * @param consentTimeoutMillis RFC 7675 §5.1's 30 s by default; 0 disables, else 10..60 s as mediasoup
     * @param maxTuples valid tuples kept at most (mediasoup keeps 8); the oldest unselected goes first
     */
    public record Options(long consentTimeoutMillis, int maxTuples) {

        public Options {
            if (consentTimeoutMillis != 0 && (consentTimeoutMillis < 10_000 || consentTimeoutMillis > 60_000)) {
                throw new IllegalArgumentException("consentTimeoutMillis must be 0 or 10000..60000");
            }
            if (maxTuples < 1) {
                throw new IllegalArgumentException("maxTuples must be positive");
            }
        }

        public static Options defaults() {
            return new Options(30_000, 8);
        }
    }

    private static final IceDropReason[] DROP_REASONS = IceDropReason.values();
    /** Largest response: header, IPv6 XOR-MAPPED-ADDRESS or ERROR-CODE, MESSAGE-INTEGRITY, FINGERPRINT. */
    private static final int RESPONSE_CAPACITY = 96;

    private final Listener listener;
    private final ByteBufAllocator allocator;
    private final Clock clock;
    private final RandomGenerator random;
    private final StunRateLimiter rateLimiter;
    private final Options options;

    private final StunMessage request = new StunMessage();
    private final StunMessageWriter writer = new StunMessageWriter();
    private final long[] dropCounts = new long[DROP_REASONS.length];
    private final List<TransportTuple> tuples = new ArrayList<>();
    private final List<TransportTuple> tuplesView = Collections.unmodifiableList(tuples);

    private IceCredentials credentials;
    private byte[] usernameFragmentBytes;
    private Mac mac;
    /** Kept after restartIce() until the peer uses the new credentials, as mediasoup does. */
    private IceCredentials oldCredentials;
    private byte[] oldUsernameFragmentBytes;
    private Mac oldMac;

    private IceState state = IceState.NEW;
    private TransportTuple selectedTuple;
    private long remoteNomination;

    /**
     * Generates the local credentials and announces the ufrag through
     * {@link Listener#onLocalUsernameFragmentAdded} before returning.
     */
    public IceServer(Listener listener, ByteBufAllocator allocator, Clock clock, RandomGenerator random,
            StunRateLimiter rateLimiter, Options options) {
        this.listener = listener;
        this.allocator = allocator;
        this.clock = clock;
        this.random = random;
        this.rateLimiter = rateLimiter;
        this.options = options;
        useCredentials(IceCredentials.generate(random));
        listener.onLocalUsernameFragmentAdded(credentials.usernameFragment());
    }

    /**
     * Handles one STUN packet (the readable bytes of {@code packet}, which stays the caller's to
     * release) from {@code remoteAddress} on the owner's local socket or connection {@code localId}.
     */
    public void processStunPacket(ByteBuf packet, int localId, InetSocketAddress remoteAddress,
            TransportTuple.Protocol protocol) {
        if (state == IceState.CLOSED) {
            return;
        }
        long now = clock.monotonicMillis();
        TransportTuple knownTuple = findTuple(localId, remoteAddress, protocol);
        if (knownTuple == null && rateLimiter.isLimited(remoteAddress.getAddress(), now)) {
            dropCounts[IceDropReason.RATE_LIMITED.ordinal()]++;
            return;
        }
        StunMessage message = request.wrap(packet);
        if (message == null) {
            drop(IceDropReason.MALFORMED, knownTuple, remoteAddress, now);
            return;
        }
        if (message.messageClass() != StunMessage.CLASS_REQUEST) {
            drop(IceDropReason.NOT_A_REQUEST, knownTuple, remoteAddress, now);
            return;
        }
        TransportTuple replyTuple = knownTuple != null ? knownTuple : new TransportTuple(localId, remoteAddress, protocol);
        if (message.method() != StunMessage.METHOD_BINDING) {
            reject(message, IceDropReason.UNSUPPORTED_METHOD, StunErrorCode.BAD_REQUEST, null, replyTuple, knownTuple, now);
            return;
        }
        // RFC 8445 §7 (as RFC 5245 §7 before it): connectivity checks use the FINGERPRINT mechanism.
        if (!message.hasFingerprint()) {
            reject(message, IceDropReason.MISSING_ATTRIBUTE, StunErrorCode.BAD_REQUEST, null, replyTuple, knownTuple, now);
            return;
        }
        // RFC 8489 §7.3: a wrong FINGERPRINT means not STUN, or not for us: discard silently.
        if (!message.isFingerprintValid()) {
            drop(IceDropReason.BAD_FINGERPRINT, knownTuple, remoteAddress, now);
            return;
        }
        // RFC 8445 §7.1.1-§7.1.3 and RFC 8489 §9.1.3: credentials, PRIORITY and a role are required.
        if (!message.hasUsername() || !message.hasMessageIntegrity() || !message.hasPriority()
                || (!message.hasIceControlling() && !message.hasIceControlled())) {
            reject(message, IceDropReason.MISSING_ATTRIBUTE, StunErrorCode.BAD_REQUEST, null, replyTuple, knownTuple, now);
            return;
        }
        Mac requestMac;
        boolean usesOldCredentials = false;
        if (message.usernameStartsWithFragment(usernameFragmentBytes)) {
            requestMac = mac;
        } else if (oldCredentials != null && message.usernameStartsWithFragment(oldUsernameFragmentBytes)) {
            requestMac = oldMac;
            usesOldCredentials = true;
        } else {
            reject(message, IceDropReason.UNKNOWN_USERNAME, StunErrorCode.UNAUTHORIZED, null, replyTuple, knownTuple, now);
            return;
        }
        if (!message.isMessageIntegrityValid(requestMac)) {
            reject(message, IceDropReason.BAD_INTEGRITY, StunErrorCode.UNAUTHORIZED, null, replyTuple, knownTuple, now);
            return;
        }
        if (!usesOldCredentials && oldCredentials != null) {
            forgetOldCredentials();
        }
        // RFC 8445 §7.3.1.1: a lite agent is always controlled, so a peer that is controlled too
        // must switch; the error is authenticated because the request was.
        if (message.hasIceControlled()) {
            reject(message, IceDropReason.ROLE_CONFLICT, StunErrorCode.ROLE_CONFLICT, requestMac, replyTuple, knownTuple, now);
            return;
        }
        // Read before the listener runs: it may feed us another packet, which rewraps the view.
        boolean useCandidate = message.hasUseCandidate();
        boolean hasNomination = message.hasNomination();
        long nomination = message.nomination();
        sendSuccess(message, requestMac, replyTuple);
        // The listener may have closed us while sending.
        if (state != IceState.CLOSED) {
            handleTuple(replyTuple, knownTuple == null, useCandidate, hasNomination, nomination, now);
        }
    }

    /** RFC 8489 §6.3.1.2 and RFC 8445 §7.3.1: XOR-MAPPED-ADDRESS of the source, then integrity and fingerprint. */
    private void sendSuccess(StunMessage message, Mac requestMac, TransportTuple tuple) {
        ByteBuf out = allocator.ioBuffer(RESPONSE_CAPACITY);
        writer.beginResponse(out, message, StunMessage.CLASS_SUCCESS_RESPONSE)
                .addXorMappedAddress(tuple.remoteAddressBytes(), tuple.remoteAddress().getPort())
                .addMessageIntegrity(requestMac)
                .addFingerprint();
        listener.onStunResponse(out, tuple);
    }

    private void reject(StunMessage message, IceDropReason reason, StunErrorCode error, Mac requestMac, TransportTuple replyTuple,
            TransportTuple knownTuple, long now) {
        drop(reason, knownTuple, replyTuple.remoteAddress(), now);
        ByteBuf out = allocator.ioBuffer(RESPONSE_CAPACITY);
        writer.beginResponse(out, message, StunMessage.CLASS_ERROR_RESPONSE).addErrorCode(error);
        if (requestMac != null) {
            writer.addMessageIntegrity(requestMac);
        }
        writer.addFingerprint();
        listener.onStunResponse(out, replyTuple);
    }

    /** Counts the drop; bad packets from addresses that are not valid tuples cost a rate-limit token. */
    private void drop(IceDropReason reason, TransportTuple knownTuple, InetSocketAddress remoteAddress, long now) {
        dropCounts[reason.ordinal()]++;
        if (knownTuple == null) {
            rateLimiter.charge(remoteAddress.getAddress(), now);
        }
    }

    /** RFC 8445 §7.3.1.4-§7.3.1.5 for a lite agent, with mediasoup's states and renomination. */
    private void handleTuple(TransportTuple tuple, boolean isNew, boolean useCandidate, boolean hasNomination,
            long nomination, long now) {
        if (isNew) {
            // A re-entrant call from the listener may have stored this address meanwhile.
            TransportTuple stored = findTuple(tuple.localId(), tuple.remoteAddress(), tuple.protocol());
            if (stored == null) {
                addTuple(tuple);
            } else {
                tuple = stored;
            }
        }
        tuple.lastConsentMillis = now;
        // draft-thatcher-ice-renomination §3: only a higher NOMINATION value renominates.
        boolean nominationAccepted = (useCandidate || hasNomination) && (!hasNomination || nomination > remoteNomination);
        if (nominationAccepted && hasNomination) {
            remoteNomination = nomination;
        }
        switch (state) {
            case NEW, DISCONNECTED -> {
                changeState(nominationAccepted ? IceState.COMPLETED : IceState.CONNECTED, tuple);
            }
            case CONNECTED -> {
                if (nominationAccepted) {
                    changeState(IceState.COMPLETED, tuple);
                }
            }
            case COMPLETED -> {
                if (nominationAccepted) {
                    select(tuple);
                }
            }
            default -> {
                // CLOSED: processStunPacket never gets here once closed.
            }
        }
    }

    private void changeState(IceState newState, TransportTuple selected) {
        state = newState;
        select(selected);
        listener.onIceStateChanged(newState);
    }

    private void select(TransportTuple tuple) {
        if (tuple != selectedTuple) {
            selectedTuple = tuple;
            listener.onSelectedTupleChanged(tuple);
        }
    }

    private void addTuple(TransportTuple tuple) {
        tuples.add(tuple);
        listener.onTupleAdded(tuple);
        if (tuples.size() > options.maxTuples()) {
            for (int i = 0; i < tuples.size(); i++) {
                TransportTuple oldest = tuples.get(i);
                if (oldest != tuple && oldest != selectedTuple) {
                    tuples.remove(i);
                    listener.onTupleRemoved(oldest);
                    return;
                }
            }
        }
    }

    /**
     * RFC 7675 §5.1: call from a timer (every second or so). In connected or completed state,
     * tuples other than the selected one with no valid check for the consent timeout are removed,
     * and when the selected tuple itself expires all tuples go and the state becomes disconnected.
     */
    public void tick(long nowMillis) {
        long timeout = options.consentTimeoutMillis();
        if (timeout == 0 || (state != IceState.CONNECTED && state != IceState.COMPLETED)) {
            return;
        }
        if (nowMillis - selectedTuple.lastConsentMillis >= timeout) {
            disconnect();
            return;
        }
        for (int i = tuples.size() - 1; i >= 0; i--) {
            if (i >= tuples.size()) {
                continue;
            }
            TransportTuple tuple = tuples.get(i);
            if (tuple != selectedTuple && nowMillis - tuple.lastConsentMillis >= timeout) {
                tuples.remove(i);
                listener.onTupleRemoved(tuple);
            }
        }
    }

    private void disconnect() {
        selectedTuple = null;
        remoteNomination = 0;
        removeAllTuples();
        state = IceState.DISCONNECTED;
        listener.onIceStateChanged(IceState.DISCONNECTED);
    }

    private void removeAllTuples() {
        while (!tuples.isEmpty()) {
            listener.onTupleRemoved(tuples.remove(tuples.size() - 1));
        }
    }

    /**
     * RFC 8445 §9: new local credentials for an ICE restart. As in mediasoup, the old ones stay
     * valid until the peer's first check with the new ones (then they are dropped and their ufrag
     * announced removed); a second restart before that drops them at once. The selected tuple's
     * consent clock restarts so the peer has time to run its checks.
     */
    public IceCredentials restartIce() {
        requireOpen();
        if (oldCredentials != null) {
            forgetOldCredentials();
        }
        oldCredentials = credentials;
        oldUsernameFragmentBytes = usernameFragmentBytes;
        oldMac = mac;
        useCredentials(IceCredentials.generate(random));
        remoteNomination = 0;
        listener.onLocalUsernameFragmentAdded(credentials.usernameFragment());
        if (selectedTuple != null) {
            selectedTuple.lastConsentMillis = clock.monotonicMillis();
        }
        return credentials;
    }

    private void useCredentials(IceCredentials newCredentials) {
        credentials = newCredentials;
        usernameFragmentBytes = newCredentials.usernameFragment().getBytes(StandardCharsets.US_ASCII);
        mac = StunMessage.newShortTermMac(newCredentials.password());
    }

    private void forgetOldCredentials() {
        String oldUsernameFragment = oldCredentials.usernameFragment();
        oldCredentials = null;
        oldUsernameFragmentBytes = null;
        oldMac = null;
        listener.onLocalUsernameFragmentRemoved(oldUsernameFragment);
    }

    /**
     * The owner lost a tuple (its TCP connection closed). If it was the selected one, the most
     * recently added remaining tuple is selected, or the state becomes disconnected.
     */
    public void removeTuple(TransportTuple tuple) {
        int index = tuples.indexOf(tuple);
        if (index < 0) {
            return;
        }
        TransportTuple removed = tuples.remove(index);
        listener.onTupleRemoved(removed);
        if (removed != selectedTuple) {
            return;
        }
        selectedTuple = null;
        if ((state == IceState.CONNECTED || state == IceState.COMPLETED) && !tuples.isEmpty()) {
            TransportTuple next = tuples.get(tuples.size() - 1);
            next.lastConsentMillis = clock.monotonicMillis();
            select(next);
        } else if (state != IceState.CLOSED) {
            disconnect();
        }
    }

    /**
     * Selects a valid tuple the peer has moved its media to (mediasoup's MayForceSelectedTuple);
     * true when {@code tuple} is now selected. Only in connected or completed state.
     */
    public boolean forceSelectedTuple(TransportTuple tuple) {
        if ((state != IceState.CONNECTED && state != IceState.COMPLETED) || !tuples.contains(tuple)) {
            return false;
        }
        select(tuples.get(tuples.indexOf(tuple)));
        return true;
    }

    /** Closes for good: announces the removal of the local ufrags and of every tuple, then state closed. */
    public void close() {
        if (state == IceState.CLOSED) {
            return;
        }
        listener.onLocalUsernameFragmentRemoved(credentials.usernameFragment());
        if (oldCredentials != null) {
            forgetOldCredentials();
        }
        selectedTuple = null;
        removeAllTuples();
        state = IceState.CLOSED;
        listener.onIceStateChanged(IceState.CLOSED);
    }

    private void requireOpen() {
        if (state == IceState.CLOSED) {
            throw new IllegalStateException("IceServer closed");
        }
    }

    /** The stored tuple for these coordinates, or null when its packets are not (yet) valid. No allocation. */
    public TransportTuple findTuple(int localId, InetSocketAddress remoteAddress, TransportTuple.Protocol protocol) {
        TransportTuple selected = selectedTuple;
        if (selected != null && selected.matches(localId, remoteAddress, protocol)) {
            return selected;
        }
        for (int i = 0; i < tuples.size(); i++) {
            TransportTuple tuple = tuples.get(i);
            if (tuple.matches(localId, remoteAddress, protocol)) {
                return tuple;
            }
        }
        return null;
    }

    public IceState state() {
        return state;
    }

    /** The tuple media goes to, null when none (new, disconnected, closed). */
    public TransportTuple selectedTuple() {
        return selectedTuple;
    }

    /** Valid tuples, oldest first (a read-only live view). */
    public List<TransportTuple> tuples() {
        return tuplesView;
    }

    public String usernameFragment() {
        return credentials.usernameFragment();
    }

    public String password() {
        return credentials.password();
    }

    public IceCredentials credentials() {
        return credentials;
    }

    /** Packets dropped or rejected for {@code reason} since creation. */
    public long dropCount(IceDropReason reason) {
        return dropCounts[reason.ordinal()];
    }
}
