package io.sluice.worker.sctp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.rtp.TestBuffers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SCTP packets and chunks, byte by byte: parse the annotated bytes, check every field, write them again, compare. */
class SctpChunkTest {

    private final TestBuffers buffers = new TestBuffers();

    @AfterEach
    void releaseAndCheckRefCnt() {
        buffers.close();
    }

    /** The CRC32c was computed by Go's hash/crc32 (Castagnoli table) over these bytes with the checksum zeroed. */
    static int[] initPacket() {
        return new int[] {
            0x13, 0x88, 0x13, 0x88, // source port 5000, destination port 5000
            0x00, 0x00, 0x00, 0x00, // verification tag 0: an INIT (§8.5.1)
            0x24, 0x40, 0x3f, 0x79, // CRC32c, least significant byte first (Appendix A)
            0x01, 0x00, 0x00, 0x20, // INIT, flags 0, length 32
            0x12, 0x34, 0x56, 0x78, // initiate tag
            0x00, 0x10, 0x00, 0x00, // a_rwnd 1 MiB
            0x04, 0x00, 0x04, 0x00, // 1024 outbound streams, 1024 inbound
            0xff, 0xff, 0xff, 0xfe, // initial TSN, two before the wrap
            0x80, 0x08, 0x00, 0x06, // Supported Extensions (RFC 5061 §4.2.7), length 6
            0x82, 0xc0, 0x00, 0x00, //   RE-CONFIG, FORWARD TSN, 2 bytes padding
            0xc0, 0x00, 0x00, 0x04, // Forward-TSN-Supported (RFC 3758 §3.1)
        };
    }

    static int[] dataChunk() {
        return new int[] {
            0x00, 0x07, 0x00, 0x15, // DATA, flags U B E, length 21
            0x00, 0x00, 0x00, 0x01, // TSN 1
            0x00, 0x02, 0x00, 0x00, // stream 2, SSN 0
            0x00, 0x00, 0x00, 0x33, // PPID 51: WebRTC string
            'h', 'e', 'l', 'l',     // user data "hello"
            'o', 0x00, 0x00, 0x00,  // 3 bytes padding, not in the length
        };
    }

    static int[] sackChunk() {
        return new int[] {
            0x03, 0x00, 0x00, 0x1c, // SACK, length 28
            0x00, 0x00, 0x00, 0x10, // cumulative TSN ack 16
            0x00, 0x00, 0x80, 0x00, // a_rwnd 32 KiB
            0x00, 0x02, 0x00, 0x01, // 2 gap blocks, 1 duplicate
            0x00, 0x02, 0x00, 0x03, // TSNs 18-19 received
            0x00, 0x05, 0x00, 0x05, // TSN 21 received
            0x00, 0x00, 0x00, 0x0e, // TSN 14 arrived twice
        };
    }

    static int[] forwardTsnChunk() {
        return new int[] {
            0xc0, 0x00, 0x00, 0x10, // FORWARD TSN, length 16
            0x00, 0x00, 0x00, 0x20, // new cumulative TSN 32
            0x00, 0x01, 0x00, 0x07, // stream 1: skip through SSN 7
            0x00, 0x04, 0xff, 0xff, // stream 4: skip through SSN 65535
        };
    }

    static int[] reConfigChunk() {
        return new int[] {
            0x82, 0x00, 0x00, 0x16, // RE-CONFIG, length 22 (the last parameter's padding not counted)
            0x00, 0x0d, 0x00, 0x12, // Outgoing SSN Reset Request, length 18
            0x00, 0x00, 0x00, 0x11, //   request sequence number 17
            0x00, 0x00, 0x00, 0x22, //   response sequence number 34
            0x00, 0x00, 0x00, 0x33, //   sender's last assigned TSN 51
            0x00, 0x01, 0x00, 0x00, //   stream 1, 2 bytes padding
        };
    }

    static int[] reConfigResponse() {
        return new int[] {
            0x82, 0x00, 0x00, 0x10, // RE-CONFIG, length 16
            0x00, 0x10, 0x00, 0x0c, // Re-configuration Response, length 12
            0x00, 0x00, 0x00, 0x11, //   response sequence number 17
            0x00, 0x00, 0x00, 0x01, //   result 1: success, performed
        };
    }

    @Test
    void rfc9260_section3_3_2_initWithExtensionsParsesAndSerializesByteForByte() {
        ByteBuf packet = buffers.of(initPacket());

        assertThat(SctpPacket.chunksWellFormed(packet, 0, packet.readableBytes())).isTrue();
        assertThat(SctpPacket.checksumValid(packet, 0, packet.readableBytes())).isTrue();
        assertThat(SctpPacket.sourcePort(packet, 0)).isEqualTo(5000);
        assertThat(SctpPacket.destinationPort(packet, 0)).isEqualTo(5000);
        int chunk = SctpPacket.firstChunk(packet, 0, packet.readableBytes());
        assertThat(SctpPacket.nextChunk(packet, chunk, packet.readableBytes())).isEqualTo(-1);
        InitChunk init = InitChunk.parse(packet, chunk);

        assertThat(init).isEqualTo(new InitChunk(false, 0x12345678L, 1 << 20, 1024, 1024, 0xfffffffeL, true, true,
                null));
        ByteBuf written = buffers.empty(64);
        SctpPacket.writeCommonHeader(written, 5000, 5000, 0);
        init.writeTo(written);
        SctpPacket.writeChecksum(written, 0, written.writerIndex());
        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(initPacket()));
    }

    @Test
    void rfc9260_section6_8_anyChangedBitFailsTheChecksum() {
        ByteBuf packet = buffers.of(initPacket());
        packet.setByte(20, packet.getByte(20) ^ 0x01);

        assertThat(SctpPacket.checksumValid(packet, 0, packet.readableBytes())).isFalse();
    }

    @Test
    void rfc9260_section3_3_3_initAckCarriesItsStateCookie() {
        InitChunk initAck = new InitChunk(true, 7, 65_536, 16, 16, 100, false, false, new byte[] {1, 2, 3, 4, 5});
        ByteBuf written = buffers.empty(64);
        initAck.writeTo(written);

        InitChunk parsed = InitChunk.parse(written, 0);

        assertThat(SctpPacket.chunkLength(written, 0)).as("cookie unpadded in the length").isEqualTo(20 + 4 + 5);
        assertThat(written.readableBytes()).isEqualTo(32);
        assertThat(parsed.stateCookie()).containsExactly(1, 2, 3, 4, 5);
        assertThat(parsed.ack()).isTrue();
        assertThat(parsed.forwardTsnSupported()).isFalse();
    }

    @Test
    void rfc9260_section3_3_1_dataChunkFieldsAreReadInPlace() {
        ByteBuf chunk = buffers.of(dataChunk());

        assertThat(DataChunk.valid(chunk, 0)).isTrue();
        assertThat(DataChunk.tsn(chunk, 0)).isEqualTo(1);
        assertThat(DataChunk.streamId(chunk, 0)).isEqualTo(2);
        assertThat(DataChunk.streamSequenceNumber(chunk, 0)).isZero();
        assertThat(DataChunk.payloadProtocolId(chunk, 0)).isEqualTo(DataChannelPpid.STRING);
        assertThat(DataChunk.unordered(chunk, 0)).isTrue();
        assertThat(DataChunk.beginning(chunk, 0)).isTrue();
        assertThat(DataChunk.ending(chunk, 0)).isTrue();
        ByteBuf userData = DataChunk.retainedUserData(chunk, 0);
        assertThat(userData.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        userData.release();

        ByteBuf written = buffers.empty(32);
        ByteBuf hello = buffers.of('h', 'e', 'l', 'l', 'o');
        DataChunk.write(written, DataChunk.flags(true, true, true, false), 1, 2, 0, DataChannelPpid.STRING, hello);
        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(dataChunk()));
        assertThat(hello.readableBytes()).as("user data not consumed").isEqualTo(5);
    }

    @Test
    void rfc9260_section3_3_4_sackWithGapBlocksAndDuplicates() {
        ByteBuf chunk = buffers.of(sackChunk());

        SackChunk sack = SackChunk.parse(chunk, 0);

        assertThat(sack.cumulativeTsnAck()).isEqualTo(16);
        assertThat(sack.advertisedReceiverWindow()).isEqualTo(32_768);
        assertThat(sack.gapStarts()).containsExactly(2, 5);
        assertThat(sack.gapEnds()).containsExactly(3, 5);
        assertThat(sack.duplicateTsns()).containsExactly(14);
        ByteBuf written = buffers.empty(32);
        sack.writeTo(written);
        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(sackChunk()));
    }

    @Test
    void rfc3758_section3_2_forwardTsnWithSkippedStreamSequenceNumbers() {
        ByteBuf chunk = buffers.of(forwardTsnChunk());

        ForwardTsnChunk forward = ForwardTsnChunk.parse(chunk, 0);

        assertThat(forward.newCumulativeTsn()).isEqualTo(32);
        assertThat(forward.streams()).containsExactly(1, 4);
        assertThat(forward.sequenceNumbers()).containsExactly(7, 65535);
        ByteBuf written = buffers.empty(32);
        forward.writeTo(written);
        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(forwardTsnChunk()));
    }

    @Test
    void rfc6525_section4_1_outgoingSsnResetRequest() {
        ByteBuf chunk = buffers.of(reConfigChunk());

        ReConfigChunk reconfig = ReConfigChunk.parse(chunk, 0);

        assertThat(reconfig.parameters()).hasSize(1);
        ReConfigChunk.OutgoingResetRequest request = (ReConfigChunk.OutgoingResetRequest) reconfig.parameters().getFirst();
        assertThat(request.requestSequenceNumber()).isEqualTo(17);
        assertThat(request.responseSequenceNumber()).isEqualTo(34);
        assertThat(request.senderLastAssignedTsn()).isEqualTo(51);
        assertThat(request.streams()).containsExactly(1);
        ByteBuf written = buffers.empty(32);
        reconfig.writeTo(written);
        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(reConfigChunk()));
    }

    @Test
    void rfc6525_section4_4_reconfigurationResponse() {
        ByteBuf chunk = buffers.of(reConfigResponse());

        ReConfigChunk reconfig = ReConfigChunk.parse(chunk, 0);

        assertThat(reconfig.parameters()).containsExactly(
                new ReConfigChunk.Response(17, ReConfigChunk.RESULT_SUCCESS_PERFORMED));
        ByteBuf written = buffers.empty(32);
        reconfig.writeTo(written);
        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(reConfigResponse()));
    }

    @Test
    void rfc9260_section3_malformedChunksAreRefused() {
        ByteBuf zeroTag = buffers.of(initPacket());
        zeroTag.setInt(16, 0);
        assertThat(InitChunk.parse(zeroTag, 12)).as("§3.3.2: initiate tag 0").isNull();

        ByteBuf initAckWithoutCookie = buffers.of(initPacket());
        initAckWithoutCookie.setByte(12, ChunkType.INIT_ACK);
        assertThat(InitChunk.parse(initAckWithoutCookie, 12)).as("§3.3.3: INIT ACK without a cookie").isNull();

        ByteBuf sackCountsTooLarge = buffers.of(sackChunk());
        sackCountsTooLarge.setShort(12, 9);
        assertThat(SackChunk.parse(sackCountsTooLarge, 0)).isNull();

        ByteBuf emptyData = buffers.of(dataChunk());
        emptyData.setShort(2, 16);
        assertThat(DataChunk.valid(emptyData, 0)).as("§6.2: DATA without user data").isFalse();

        ByteBuf chunkPastThePacket = buffers.of(initPacket());
        chunkPastThePacket.setShort(14, 0x40);
        assertThat(SctpPacket.chunksWellFormed(chunkPastThePacket, 0, chunkPastThePacket.readableBytes())).isFalse();

        ByteBuf headerOnly = buffers.of(0x13, 0x88, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0);
        assertThat(SctpPacket.chunksWellFormed(headerOnly, 0, 12)).as("a packet without chunks").isFalse();
        assertThat(SctpPacket.checksumValid(headerOnly, 0, 4)).isFalse();

        ByteBuf unknownParameter = buffers.of(reConfigResponse());
        unknownParameter.setShort(4, 0x99);
        assertThat(ReConfigChunk.parse(unknownParameter, 0)).isNull();
    }

    @Test
    void rfc9260_section5_1_3_stateCookieVerifiesOnlyUnchanged() {
        StateCookie.Signer signer = new StateCookie.Signer(new SecureRandom());
        StateCookie cookie = new StateCookie(0x12345678L, 1 << 20, 1024, 512, 0xfffffffeL, true, false, 0x9abcdef0L,
                77, 1_000_000);

        byte[] signed = signer.sign(cookie);

        assertThat(signer.verify(signed)).isEqualTo(cookie);
        signed[3] ^= 1;
        assertThat(signer.verify(signed)).as("a changed byte").isNull();
        signed[3] ^= 1;
        assertThat(new StateCookie.Signer(new SecureRandom()).verify(signed)).as("another association's secret").isNull();
    }

    @Test
    void rfc9260_section3_3_7_errorCausesOfAnAbort() {
        ByteBuf written = buffers.empty(64);
        ErrorCause.writeChunk(written, ChunkType.ABORT, 0,
                List.of(new ErrorCause(ErrorCause.USER_INITIATED_ABORT, new byte[] {'b', 'y', 'e'})));

        assertThat(TestBuffers.readable(written)).isEqualTo(TestBuffers.bytes(
                0x06, 0x00, 0x00, 0x0b, // ABORT, T bit clear, length 11
                0x00, 0x0c, 0x00, 0x07, // cause 12: user-initiated abort, length 7
                'b', 'y', 'e', 0x00));  // reason, 1 byte padding
        assertThat(ErrorCause.parseAll(written, 0)).singleElement()
                .satisfies(cause -> assertThat(cause.code()).isEqualTo(ErrorCause.USER_INITIATED_ABORT));
    }
}
