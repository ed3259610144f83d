package io.sluice.worker.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.worker.net.Rfc4571FrameDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RFC 4571 §2 framing of ICE-TCP (RFC 6544 §3): any byte stream, cut into arbitrary chunks as TCP
 * delivers it, is split without an exception reaching the pipeline, every frame emitted has the
 * length its prefix said, and every buffer (the chunks written, the frames emitted) is released
 * by its owner in the end.
 */
class Rfc4571FuzzTest {

    private static final FuzzInputs.Generator STREAM = random -> {
        // A few frames, valid or not, of lengths near the interesting bounds, back to back.
        byte[] body = new byte[random.nextInt(3000)];
        random.nextBytes(body);
        int frames = random.nextInt(6);
        for (int f = 0, at = 0; f < frames && at + 2 <= body.length; f++) {
            int length = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(40);
                case 2 -> 0xFFFF;
                default -> random.nextInt(1500);
            };
            body[at] = (byte) (length >> 8);
            body[at + 1] = (byte) length;
            at += 2 + Math.min(length, 200);
        }
        return body;
    };

    @Test
    void anyStreamInAnyChunksIsSplitWithoutThrowingOrLeaking() {
        Fuzz.forAll("rfc4571", STREAM, stream -> {
            // Chunk sizes follow from the stream, so that a replayed seed cuts it the same way.
            Random chunking = new Random(java.util.Arrays.hashCode(stream));
            EmbeddedChannel channel = new EmbeddedChannel(new Rfc4571FrameDecoder(1500));
            List<ByteBuf> written = new ArrayList<>();
            try {
                for (int at = 0; at < stream.length; ) {
                    int length = Math.min(stream.length - at, 1 + chunking.nextInt(600));
                    ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(stream, at, length);
                    written.add(chunk);
                    channel.writeInbound(chunk);
                    at += length;
                    for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
                        try {
                            if (frame.readableBytes() < 1 || frame.readableBytes() > 1500) {
                                throw new AssertionError("a frame of " + frame.readableBytes() + " bytes came out");
                            }
                        } finally {
                            frame.release();
                        }
                    }
                }
                channel.checkException();
            } finally {
                channel.finishAndReleaseAll();
            }
            for (ByteBuf chunk : written) {
                if (chunk.refCnt() != 0) {
                    throw new AssertionError("a written chunk was not released: refCnt " + chunk.refCnt());
                }
            }
        });
    }
}
