package io.sluice.worker.srtp;

import io.netty.buffer.ByteBuf;

/**
 * The sending half of an SRTP session (RFC 3711): protects outgoing RTP and RTCP in place with one
 * master key and salt, keeping per SSRC the rollover counter (§3.3.1) and the SRTCP index (§3.4).
 *
 * <p>Single-threaded: the event loop that owns the transport calls it. No method allocates per
 * packet or throws on a bad packet; they return false and leave the packet's indexes unchanged.
 * The packet's readable bytes are the plain packet; on success they become the protected packet,
 * {@link #maxOverhead()} bytes longer at most. The caller keeps ownership of the buffer.
 */
public final class SrtpSendContext {
    /** How many SSRCs a context tracks unless told otherwise. */
    public static final int DEFAULT_MAX_SSRCS = 1024;

    private final SrtpProfile profile;
    private final SrtpTransform transform;
    private final SrtpStreamTable streams;
    private final PacketBytes bytes = new PacketBytes();

    public SrtpSendContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(profile, masterKey, masterSalt, DEFAULT_MAX_SSRCS);
    }

    /**
     * @param maxSsrcs how many SSRCs to keep state for; packets of further SSRCs are refused
     * @throws IllegalArgumentException when the key or salt length does not fit the profile
     */
    public SrtpSendContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxSsrcs) {
        this.profile = profile;
        this.transform = SrtpTransform.create(profile, masterKey, masterSalt);
        this.streams = new SrtpStreamTable(maxSsrcs);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** The writable room a packet needs after its readable bytes: the larger of SRTP's and SRTCP's. */
    public int maxOverhead() {
        return Math.max(transform.rtpTagLength(), transform.rtcpOverhead());
    }

    /** Bytes {@link #protectRtp} appends. */
    public int rtpOverhead() {
        return transform.rtpTagLength();
    }

    /** Bytes {@link #protectRtcp} appends: E|index and the tag. */
    public int rtcpOverhead() {
        return transform.rtcpOverhead();
    }

    /**
     * Encrypts the RTP payload in place and appends the tag (RFC 3711 §3.3, RFC 7714 §8).
     * False when the packet is not RTP version 2, has less than {@link #rtpOverhead()} writable
     * bytes, is read-only, or would need state for one SSRC more than the context holds.
     */
    public boolean protectRtp(ByteBuf packet) {
        int index = packet.readerIndex();
        int length = packet.readableBytes();
        int tagLength = transform.rtpTagLength();
        if (packet.writableBytes() < tagLength || packet.isReadOnly()) {
            return false;
        }
        int headerLength = RtpHeaders.rtpHeaderLength(packet, index, length);
        if (headerLength < 0) {
            return false;
        }
        int ssrc = packet.getInt(index + 8);
        SrtpStream stream = streamFor(ssrc);
        if (stream == null) {
            return false;
        }
        long packetIndex = stream.estimateIndex(packet.getUnsignedShort(index + 2));
        if (packetIndex < 0) {
            return false;
        }
        bytes.open(packet, index, length, tagLength);
        transform.protectRtp(bytes.array(), bytes.offset(), headerLength, length, ssrc, packetIndex);
        bytes.commit(packet, index, length + tagLength);
        packet.writerIndex(index + length + tagLength);
        stream.advanceTo(packetIndex);
        return true;
    }

    /**
     * Encrypts a (compound) RTCP packet after its first 8 bytes and appends E|index and the tag
     * (RFC 3711 §3.4, RFC 7714 §9). The index counts per sender SSRC from 0.
     */
    public boolean protectRtcp(ByteBuf packet) {
        int index = packet.readerIndex();
        int length = packet.readableBytes();
        int overhead = transform.rtcpOverhead();
        if (packet.writableBytes() < overhead || packet.isReadOnly()
                || !RtpHeaders.isRtcpHeader(packet, index, length)) {
            return false;
        }
        int ssrc = packet.getInt(index + 4);
        SrtpStream stream = streamFor(ssrc);
        if (stream == null) {
            return false;
        }
        int srtcpIndex = stream.takeSrtcpIndex();
        if (srtcpIndex < 0) {
            return false;
        }
        bytes.open(packet, index, length, overhead);
        transform.protectRtcp(bytes.array(), bytes.offset(), length, ssrc, srtcpIndex);
        bytes.commit(packet, index, length + overhead);
        packet.writerIndex(index + length + overhead);
        return true;
    }

    /** Forgets an SSRC (its producer or consumer closed), freeing its slot. */
    public boolean removeSsrc(int ssrc) {
        return streams.remove(ssrc);
    }

    /** Starts an SSRC's SRTCP index at a given value; for RFC vectors that begin mid-stream. */
    void setNextSrtcpIndex(int ssrc, int srtcpIndex) {
        SrtpStream stream = streamFor(ssrc);
        if (stream != null) {
            stream.setNextSrtcpIndex(srtcpIndex);
        }
    }

    /** Starts an SSRC at a given rollover counter and sequence number (RFC 3711 §3.3.1). */
    void startRtpAt(int ssrc, int rolloverCounter, int sequence) {
        SrtpStream stream = streamFor(ssrc);
        if (stream != null) {
            stream.startAt(rolloverCounter, sequence);
        }
    }

    private SrtpStream streamFor(int ssrc) {
        SrtpStream stream = streams.get(ssrc);
        return stream != null ? stream : streams.add(ssrc);
    }
}
