package io.sluice.worker.fuzz;

import static io.sluice.worker.fuzz.FuzzInputs.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.worker.sctp.DataChannelOpen;
import io.sluice.worker.sctp.ErrorCause;
import io.sluice.worker.sctp.ForwardTsnChunk;
import io.sluice.worker.sctp.InitChunk;
import io.sluice.worker.sctp.ReConfigChunk;
import io.sluice.worker.sctp.Reliability;
import io.sluice.worker.sctp.SackChunk;
import io.sluice.worker.sctp.SctpAssociation;
import io.sluice.worker.sctp.SctpConfig;
import io.sluice.worker.sctp.SctpPacket;
import io.sluice.worker.sctp.SctpState;
import io.sluice.worker.time.Clock;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * SCTP over DTLS (RFC 9260 §3 packets and chunks, RFC 3758 FORWARD TSN, RFC 6525 RE-CONFIG, RFC
 * 8832 DCEP): every chunk parser answers null on a malformed chunk and never throws, and an
 * association, listening or established, takes any packet (checksum made valid, so the packet
 * gets past §6.8) without throwing, and lets go of every packet it kept once it is aborted.
 */
class SctpFuzzTest {

    private static final String HEADER = "1388 1388 00000000 00000000";
    private static final byte[][] CHUNKS = {
        // INIT: tag, a_rwnd, streams 1024/1024, initial TSN; Forward-TSN-Supported; Supported Extensions (RE-CONFIG, FORWARD TSN).
        hex("0100001e 11223344 00100000 0400 0400 00000001 c0000004 80080006 82c0 0000"),
        // SACK: cumulative TSN 5, a_rwnd, one gap block 2-3.
        hex("03000014 00000005 00010000 0001 0000 0002 0003"),
        // DATA (B+E): TSN 1, stream 0, SSN 0, PPID 51 (string), "hi".
        hex("00030012 00000001 0000 0000 00000033 6869 0000"),
        // FORWARD TSN: new cumulative TSN 9, streams 1/2 and 3/4.
        hex("c0000010 00000009 0001 0002 0003 0004"),
        // RE-CONFIG: outgoing SSN reset request for stream 1.
        hex("82000016 000d0012 00000001 00000000 00000005 0001 0000"),
        // ABORT with "user-initiated abort".
        hex("06000008 000c0004"),
        // HEARTBEAT with its info parameter.
        hex("04000008 00010004"),
    };

    /**
     * The chunk parsers' boundary is a packet that passed {@link SctpPacket#chunksWellFormed} (as
     * {@link SctpAssociation#onPacket} checks first): every chunk of such a packet, whatever its
     * type and contents, is given to every parser.
     */
    @Test
    void everyChunkParserNeverThrowsOnAWellFormedPacket() {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] chunk : CHUNKS) {
            seeds.add(concat(hex(HEADER), chunk));
        }
        seeds.add(concat(hex(HEADER), concat(CHUNKS[2], CHUNKS[1])));
        Fuzz.forAll("sctp chunks", FuzzInputs.bytesOrMutated(seeds.toArray(byte[][]::new)),
                input -> FuzzInputs.inBuffer(input, buf -> {
                    int index = buf.readerIndex();
                    int length = buf.readableBytes();
                    if (!SctpPacket.chunksWellFormed(buf, index, length)) {
                        return;
                    }
                    for (int chunk = SctpPacket.firstChunk(buf, index, length); chunk >= 0;
                            chunk = SctpPacket.nextChunk(buf, chunk, index + length)) {
                        InitChunk.parse(buf, chunk);
                        SackChunk.parse(buf, chunk);
                        ForwardTsnChunk.parse(buf, chunk);
                        ReConfigChunk.parse(buf, chunk);
                        ErrorCause.parseAll(buf, chunk);
                    }
                }));
    }

    @Test
    void dataChannelOpenParsingNeverThrows() {
        // DATA_CHANNEL_OPEN (RFC 8832 §5.1): reliable, priority 0, label "chat", no protocol.
        Fuzz.forAll("dcep", FuzzInputs.bytesOrMutated(hex("03 00 0000 00000000 0004 0000 63686174"),
                hex("03 81 0100 00000003 0001 0003 61 626364")),
                input -> FuzzInputs.inBuffer(input, buf -> DataChannelOpen.parse(buf, buf.readerIndex(),
                        buf.readableBytes())));
    }

    @Test
    void aListeningAssociationTakesAnyPacket() {
        Peer server = new Peer();
        List<byte[]> packets = new ArrayList<>();
        for (byte[] chunk : CHUNKS) {
            packets.add(concat(hex(HEADER), chunk));
        }
        Fuzz.forAll("sctp listening", FuzzInputs.bytesOrMutated(packets.toArray(byte[][]::new)),
                input -> deliver(server, input, -1));
        assertReleasedOnAbort(server);
    }

    @Test
    void anEstablishedAssociationTakesAnyPacketWithItsTag() {
        Peer client = new Peer();
        Peer server = new Peer();
        client.association.connect();
        exchange(client, server);
        if (server.association.state() != SctpState.ESTABLISHED) {
            throw new AssertionError("no association: " + server.association.state());
        }
        // The client's own packets carry the server's verification tag: they are the seeds.
        client.association.send(0, 51, true, Reliability.RELIABLE,
                PooledByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[300]));
        client.association.send(1, 53, false, Reliability.maxRetransmits(0),
                PooledByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[20]));
        client.association.resetStreams(1);
        List<byte[]> seeds = new ArrayList<>(client.drain());
        long tag = SctpPacket.verificationTag(io.netty.buffer.Unpooled.wrappedBuffer(seeds.getFirst()), 0);
        for (byte[] chunk : CHUNKS) {
            byte[] packet = concat(hex(HEADER), chunk);
            packet[4] = (byte) (tag >> 24);
            packet[5] = (byte) (tag >> 16);
            packet[6] = (byte) (tag >> 8);
            packet[7] = (byte) tag;
            seeds.add(packet);
        }
        Fuzz.forAll("sctp established", FuzzInputs.bytesOrMutated(seeds.toArray(byte[][]::new)),
                input -> deliver(server, input, tag));
        assertReleasedOnAbort(server);
        // The client's send queue still holds its two messages (never acknowledged): aborting
        // releases them, or the leak detector reports them.
        client.association.abort("fuzzing done");
        client.drain();
    }

    /**
     * Gives the association the packet with its checksum made valid (and, mostly, its tag kept).
     * The association may keep retained slices of a packet (fragments, messages waiting for an
     * earlier one: SctpAssociation's buffer rules), so a packet it still holds once the caller
     * released its reference is remembered: {@link #assertReleasedOnAbort} checks that closing
     * the association lets go of every one.
     */
    private static void deliver(Peer peer, byte[] input, long tag) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(input.length).writeBytes(input);
        int length = buf.readableBytes();
        if (length >= SctpPacket.COMMON_HEADER_LENGTH) {
            if (tag >= 0 && (length & 1) == 0) {
                buf.setInt(4, (int) tag);
            }
            SctpPacket.writeChecksum(buf, 0, length);
        }
        try {
            peer.association.onPacket(buf);
        } finally {
            buf.release();
        }
        if (buf.refCnt() > 0) {
            peer.held.add(buf);
        }
        peer.drain();
    }

    private static void assertReleasedOnAbort(Peer peer) {
        peer.association.abort("fuzzing done");
        peer.drain();
        long stillHeld = peer.held.stream().filter(buf -> buf.refCnt() != 0).count();
        if (stillHeld > 0) {
            throw new AssertionError(stillHeld + " packets still held after the association aborted");
        }
    }

    private static void exchange(Peer a, Peer b) {
        for (int round = 0; round < 10; round++) {
            for (byte[] packet : a.drain()) {
                FuzzInputs.inBuffer(packet, b.association::onPacket);
            }
            for (byte[] packet : b.drain()) {
                FuzzInputs.inBuffer(packet, a.association::onPacket);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An association whose timers never fire and whose output is kept as bytes, every buffer released. */
    private static final class Peer implements SctpAssociation.Listener {
        final Queue<byte[]> sent = new ArrayDeque<>();
        final List<ByteBuf> held = new ArrayList<>();
        final SctpAssociation association;

        Peer() {
            Clock clock = new Clock() {
                @Override
                public long monotonicNanos() {
                    return 1_000_000_000L;
                }

                @Override
                public long epochMillis() {
                    return 1_000L;
                }
            };
            association = new SctpAssociation(SctpConfig.defaults(), clock, (task, delay) -> () -> { },
                    PooledByteBufAllocator.DEFAULT, new SecureRandom(), this);
        }

        List<byte[]> drain() {
            List<byte[]> out = new ArrayList<>(sent);
            sent.clear();
            return out;
        }

        @Override
        public void onPacket(ByteBuf packet) {
            try {
                byte[] bytes = new byte[packet.readableBytes()];
                packet.getBytes(packet.readerIndex(), bytes);
                if (sent.size() < 64) {
                    sent.add(bytes);
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void onMessage(int streamId, long payloadProtocolId, ByteBuf payload) {
            payload.release();
        }

        @Override
        public void onStateChange(SctpState state) {
        }
    }
}
