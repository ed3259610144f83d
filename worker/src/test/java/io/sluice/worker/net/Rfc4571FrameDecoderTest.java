package io.sluice.worker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 4571 §2 framing as ICE-TCP (RFC 6544 §3) uses it, through a real pipeline. */
class Rfc4571FrameDecoderTest {

    private static final byte[] STREAM = ByteBufUtil.decodeHexDump(""
            + "0003" + "aabbcc" // a 3-byte frame
            + "0000" // an empty frame
            + "0001" + "dd" // a 1-byte frame
            + "0004" + "01020304"); // a 4-byte frame

    @Test
    void coalescedFramesComeOutOneByOne() {
        Rfc4571FrameDecoder decoder = new Rfc4571FrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(buffer(STREAM));

        assertThat(readAll(channel)).containsExactly("aabbcc", "dd", "01020304");
        assertThat(decoder.emptyFrames()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void framesSplitAtEveryByteAreReassembled() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        List<String> frames = new ArrayList<>();
        for (byte b : STREAM) {
            channel.writeInbound(buffer(new byte[] {b}));
            frames.addAll(readAll(channel));
        }
        assertThat(frames).containsExactly("aabbcc", "dd", "01020304");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void splitsAtEveryPositionGiveTheSameFrames() {
        for (int cut = 0; cut <= STREAM.length; cut++) {
            EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
            channel.writeInbound(buffer(Arrays.copyOfRange(STREAM, 0, cut)));
            List<String> frames = new ArrayList<>(readAll(channel));
            channel.writeInbound(buffer(Arrays.copyOfRange(STREAM, cut, STREAM.length)));
            frames.addAll(readAll(channel));
            assertThat(frames).as("cut at %d", cut).containsExactly("aabbcc", "dd", "01020304");
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void oversizeFramesAreDiscardedAndTheStreamStaysInSync() {
        Rfc4571FrameDecoder decoder = new Rfc4571FrameDecoder(4);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(buffer(ByteBufUtil.decodeHexDump("0006" + "0102")));
        channel.writeInbound(buffer(ByteBufUtil.decodeHexDump("03040506" + "0002" + "eeff")));

        assertThat(readAll(channel)).containsExactly("eeff");
        assertThat(decoder.oversizeFrames()).isEqualTo(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aTruncatedLastFrameIsDroppedWithTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        ByteBuf partial = buffer(ByteBufUtil.decodeHexDump("0010" + "0102"));
        channel.writeInbound(partial);
        assertThat(readAll(channel)).isEmpty();
        assertThat(channel.finish()).isFalse();
        assertThat(partial.refCnt()).isZero();
    }

    @Test
    void emittedFramesAreRetainedSlicesThatOutliveTheCumulation() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder());
        ByteBuf input = buffer(STREAM);
        channel.writeInbound(input);
        ByteBuf first = channel.readInbound();
        ByteBuf second = channel.readInbound();
        ByteBuf third = channel.readInbound();
        assertThat(channel.finish()).isFalse();

        assertThat(ByteBufUtil.hexDump(first)).isEqualTo("aabbcc");
        assertThat(ByteBufUtil.hexDump(third)).isEqualTo("01020304");
        // The decoder let go of its cumulation; the frames alone keep its memory alive.
        assertThat(input.refCnt()).isPositive();
        first.release();
        second.release();
        assertThat(input.refCnt()).isPositive();
        third.release();
        assertThat(first.refCnt()).isZero();
        assertThat(third.refCnt()).isZero();
        assertThat(input.refCnt()).isZero();
    }

    @Test
    void theEncoderPrefixesTheLengthWithoutCopying() {
        EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameEncoder());
        ByteBuf payload = buffer(ByteBufUtil.decodeHexDump("010203"));
        channel.writeOutbound(payload);
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();

        assertThat(ByteBufUtil.hexDump(header)).isEqualTo("0003");
        assertThat(body).isSameAs(payload);
        assertThat(header.release()).isTrue();
        assertThat(body.release()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encoderAndDecoderRoundTrip() {
        EmbeddedChannel sender = new EmbeddedChannel(new Rfc4571FrameEncoder());
        EmbeddedChannel receiver = new EmbeddedChannel(new Rfc4571FrameDecoder());
        byte[] big = new byte[65535];
        big[65534] = 7;
        sender.writeOutbound(buffer(big), buffer(new byte[] {9}));
        for (Object chunk; (chunk = sender.readOutbound()) != null; ) {
            receiver.writeInbound(chunk);
        }
        ByteBuf first = receiver.readInbound();
        ByteBuf second = receiver.readInbound();
        assertThat(first.readableBytes()).isEqualTo(65535);
        assertThat(first.getByte(65534)).isEqualTo((byte) 7);
        assertThat(ByteBufUtil.hexDump(second)).isEqualTo("09");
        first.release();
        second.release();
        assertThat(sender.finish()).isFalse();
        assertThat(receiver.finish()).isFalse();
    }

    @Test
    void frameBuildsOneContiguousBufferAndReleasesThePacket() {
        ByteBuf packet = buffer(ByteBufUtil.decodeHexDump("cafe"));
        ByteBuf framed = Rfc4571FrameEncoder.frame(PooledByteBufAllocator.DEFAULT, packet);

        assertThat(ByteBufUtil.hexDump(framed)).isEqualTo("0002cafe");
        assertThat(packet.refCnt()).isZero();
        assertThat(framed.release()).isTrue();
    }

    private static ByteBuf buffer(byte[] bytes) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(1, bytes.length)).writeBytes(bytes);
    }

    /** Reads every decoded frame as hex, releasing each and checking it is gone. */
    private static List<String> readAll(EmbeddedChannel channel) {
        List<String> frames = new ArrayList<>();
        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            frames.add(ByteBufUtil.hexDump(frame));
            frame.release();
        }
        return frames;
    }
}
