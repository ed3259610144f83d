package io.sluice.worker.srtp;

import io.netty.buffer.ByteBuf;

/**
 * The receiving half of an SRTP session (RFC 3711): authenticates, checks for replay and decrypts
 * incoming SRTP and SRTCP in place. Per SSRC it estimates the rollover counter (§3.3.1, Appendix
 * A) and keeps 64-packet replay windows for SRTP and SRTCP (§3.3.2); that state is created and
 * moved only by packets whose tag verified.
 *
 * <p>Single-threaded: the event loop that owns the transport calls it. No method allocates per
 * packet or throws on a bad packet; they return false, count the reason and leave the buffer's
 * indexes unchanged (its bytes are left as they were, too). On success the readable bytes become
 * the plain packet, the tag and SRTCP trailer trimmed off. The caller keeps ownership of the buffer.
 */
public final class SrtpReceiveContext {
    private final SrtpProfile profile;
    private final SrtpTransform transform;
    private final SrtpStreamTable streams;
    private final PacketBytes bytes = new PacketBytes();
    private long malformedPackets;
    private long authenticationFailures;
    private long replayedPackets;
    private long ssrcLimitDrops;

    public SrtpReceiveContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(profile, masterKey, masterSalt, SrtpSendContext.DEFAULT_MAX_SSRCS);
    }

    /**
     * @param maxSsrcs how many SSRCs to keep state for; packets of further SSRCs are dropped
     * @throws IllegalArgumentException when the key or salt length does not fit the profile
     */
    public SrtpReceiveContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxSsrcs) {
        this.profile = profile;
        this.transform = SrtpTransform.create(profile, masterKey, masterSalt);
        this.streams = new SrtpStreamTable(maxSsrcs);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Verifies the tag, rejects replays, decrypts the payload and trims the tag (RFC 3711 §3.3,
     * RFC 7714 §8). False on a malformed or truncated packet, a failed tag, a replayed or too old
     * index, or an SSRC beyond the context's limit.
     */
    public boolean unprotectRtp(ByteBuf packet) {
        int index = packet.readerIndex();
        int end = packet.readableBytes() - transform.rtpTagLength();
        int headerLength = end < 0 || packet.isReadOnly() ? -1 : RtpHeaders.rtpHeaderLength(packet, index, end);
        if (headerLength < 0) {
            malformedPackets++;
            return false;
        }
        int ssrc = packet.getInt(index + 8);
        int sequence = packet.getUnsignedShort(index + 2);
        SrtpStream stream = streams.get(ssrc);
        long packetIndex;
        if (stream == null) {
            if (streams.isFull()) {
                ssrcLimitDrops++;
                return false;
            }
            packetIndex = sequence;
        } else {
            packetIndex = stream.estimateIndex(sequence);
            if (packetIndex < 0 || !stream.rtpReplay.check(packetIndex)) {
                replayedPackets++;
                return false;
            }
        }
        bytes.open(packet, index, end + transform.rtpTagLength(), 0);
        if (!transform.unprotectRtp(bytes.array(), bytes.offset(), headerLength, end, ssrc, packetIndex)) {
            authenticationFailures++;
            return false;
        }
        bytes.commit(packet, index, end);
        packet.writerIndex(index + end);
        if (stream == null) {
            stream = streams.add(ssrc);
        }
        stream.rtpReplay.accept(packetIndex);
        stream.advanceTo(packetIndex);
        return true;
    }

    /**
     * Verifies the tag, rejects replayed SRTCP indexes, decrypts when the E flag is set and trims
     * E|index and the tag (RFC 3711 §3.4, RFC 7714 §9).
     */
    public boolean unprotectRtcp(ByteBuf packet) {
        int index = packet.readerIndex();
        int length = packet.readableBytes();
        int plainLength = length - transform.rtcpOverhead();
        if (packet.isReadOnly() || !RtpHeaders.isRtcpHeader(packet, index, plainLength)) {
            malformedPackets++;
            return false;
        }
        int ssrc = packet.getInt(index + 4);
        int trailer = packet.getInt(index + transform.rtcpTrailerOffset(length));
        int srtcpIndex = trailer & ~SrtpTransform.SRTCP_E_FLAG;
        SrtpStream stream = streams.get(ssrc);
        if (stream == null) {
            if (streams.isFull()) {
                ssrcLimitDrops++;
                return false;
            }
        } else if (!stream.rtcpReplay.check(srtcpIndex)) {
            replayedPackets++;
            return false;
        }
        bytes.open(packet, index, length, 0);
        if (!transform.unprotectRtcp(bytes.array(), bytes.offset(), length, ssrc, trailer)) {
            authenticationFailures++;
            return false;
        }
        bytes.commit(packet, index, plainLength);
        packet.writerIndex(index + plainLength);
        if (stream == null) {
            stream = streams.add(ssrc);
        }
        stream.rtcpReplay.accept(srtcpIndex);
        return true;
    }

    /** Forgets an SSRC (its producer closed), freeing its slot. */
    public boolean removeSsrc(int ssrc) {
        return streams.remove(ssrc);
    }

    /** Starts an SSRC at a given rollover counter and sequence number (RFC 3711 §3.3.1). */
    void startRtpAt(int ssrc, int rolloverCounter, int sequence) {
        SrtpStream stream = streams.get(ssrc);
        if (stream == null) {
            stream = streams.add(ssrc);
        }
        if (stream != null) {
            stream.startAt(rolloverCounter, sequence);
        }
    }

    /** Packets too short, not version 2, or with a header longer than the packet. */
    public long malformedPackets() {
        return malformedPackets;
    }

    public long authenticationFailures() {
        return authenticationFailures;
    }

    /** Packets whose index was already received or is older than the 64-packet window. */
    public long replayedPackets() {
        return replayedPackets;
    }

    /** Packets of a new SSRC refused because the context already tracks its maximum. */
    public long ssrcLimitDrops() {
        return ssrcLimitDrops;
    }
}
