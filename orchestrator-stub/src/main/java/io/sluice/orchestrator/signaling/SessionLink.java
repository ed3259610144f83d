package io.sluice.orchestrator.signaling;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a session's replies and notifications go: the WebSocket it is attached to, or, while
 * detached (docs/signaling.md, "Resuming a session"), a buffer of the first {@link #MISSED_MAX}
 * messages that the next socket gets first, in order. Callable from any thread.
 */
final class SessionLink {

    /** Messages kept for a detached session; beyond, the browser re-reads state on resume. */
    static final int MISSED_MAX = 512;

    /** The socket (its channel), or null while detached. */
    private Object socket;
    private Consumer<String> sender;
    private final List<String> missed = new ArrayList<>();

    /** Attached to {@code socket}, sending through {@code sender}. */
    SessionLink(Object socket, Consumer<String> sender) {
        this.socket = socket;
        this.sender = sender;
    }

    /** Detached from the start (a restored session). */
    SessionLink() {
        this.sender = this::keep;
    }

    synchronized void send(String message) {
        sender.accept(message);
    }

    synchronized boolean isDetached() {
        return socket == null;
    }

    synchronized Object socket() {
        return socket;
    }

    synchronized Consumer<String> sender() {
        return sender;
    }

    /** From now on keeps the messages; false when {@code closedSocket} is no longer this link's. */
    synchronized boolean detach(Object closedSocket) {
        if (socket != closedSocket) {
            return false;
        }
        socket = null;
        sender = this::keep;
        return true;
    }

    /** Sends what was kept through {@code newSender}, then everything after it. */
    synchronized void attach(Object newSocket, Consumer<String> newSender) {
        socket = newSocket;
        missed.forEach(newSender);
        missed.clear();
        sender = newSender;
    }

    private void keep(String message) {
        if (missed.size() < MISSED_MAX) {
            missed.add(message);
        }
    }
}
