package io.sluice.worker.ice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A connectivity check as a controlling full ICE agent (a browser) sends it to us (RFC 8445
 * §7.2.2): by default USERNAME "ours:theirs", PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY with our
 * password and FINGERPRINT; each part can be changed or left out to make bad ones.
 */
final class BindingCheck {

    private int messageClass = StunMessage.CLASS_REQUEST;
    private int method = StunMessage.METHOD_BINDING;
    private String username;
    private String password;
    private boolean priority = true;
    private boolean controlling = true;
    private boolean controlled;
    private boolean useCandidate;
    private long nomination = -1;
    private boolean integrity = true;
    private boolean fingerprint = true;

    private BindingCheck(String localUfrag, String password) {
        this.username = localUfrag + ":peer";
        this.password = password;
    }

    /** A valid check to {@code server}'s current credentials. */
    static BindingCheck to(IceServer server) {
        return to(server.credentials());
    }

    static BindingCheck to(IceCredentials credentials) {
        return new BindingCheck(credentials.usernameFragment(), credentials.password());
    }

    BindingCheck messageClass(int value) {
        messageClass = value;
        return this;
    }

    BindingCheck method(int value) {
        method = value;
        return this;
    }

    BindingCheck username(String value) {
        username = value;
        return this;
    }

    BindingCheck password(String value) {
        password = value;
        return this;
    }

    BindingCheck withoutPriority() {
        priority = false;
        return this;
    }

    BindingCheck withoutRole() {
        controlling = false;
        return this;
    }

    BindingCheck controlled() {
        controlling = false;
        controlled = true;
        return this;
    }

    BindingCheck useCandidate() {
        useCandidate = true;
        return this;
    }

    BindingCheck nomination(long value) {
        nomination = value;
        return this;
    }

    BindingCheck withoutIntegrity() {
        integrity = false;
        return this;
    }

    BindingCheck withoutFingerprint() {
        fingerprint = false;
        return this;
    }

    /** A pooled buffer the caller releases. */
    ByteBuf build() {
        byte[] transactionId = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        ThreadLocalRandom.current().nextBytes(transactionId);
        ByteBuf id = PooledByteBufAllocator.DEFAULT.heapBuffer(12).writeBytes(transactionId);
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        StunMessageWriter writer = new StunMessageWriter().begin(out, messageClass, method, id, 0);
        id.release();
        writer.addUsername(username.getBytes(StandardCharsets.UTF_8));
        if (priority) {
            writer.addPriority(0x6E7F1EFFL);
        }
        if (controlling) {
            writer.addIceControlling(0x1122334455667788L);
        }
        if (controlled) {
            writer.addIceControlled(0x1122334455667788L);
        }
        if (useCandidate) {
            writer.addUseCandidate();
        }
        if (nomination >= 0) {
            writer.addNomination(nomination);
        }
        if (integrity) {
            writer.addMessageIntegrity(StunMessage.newShortTermMac(password));
        }
        if (fingerprint) {
            writer.addFingerprint();
        }
        return out;
    }
}
