package io.sluice.worker.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Inputs for the parser fuzz properties: arbitrary bytes, and valid packets (seeds) with a few
 * random mutations each (bit flips, boundary values in bytes and 16-bit fields, truncation,
 * appended garbage, repeated ranges), which get past the first checks and reach deep code.
 */
final class FuzzInputs {

    static final int MAX_RANDOM_LENGTH = 1300;
    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0F, 0xF0, 0x40, 0xC0};
    private static final int[] INTERESTING_SHORTS = {0x0000, 0x0001, 0x7FFF, 0x8000, 0xFFFF, 0x00FF, 0xFF00, 0x0004};

    private FuzzInputs() {
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }

    /** Makes one input from the run's random source. */
    @FunctionalInterface
    interface Generator {
        byte[] next(Random random);
    }

    /** One in four inputs is arbitrary bytes (of a length skewed towards short), the others mutated seeds. */
    static Generator bytesOrMutated(byte[]... seeds) {
        return random -> {
            if (random.nextInt(4) == 0) {
                int bound = random.nextBoolean() ? 48 : MAX_RANDOM_LENGTH;
                byte[] bytes = new byte[random.nextInt(bound + 1)];
                random.nextBytes(bytes);
                return bytes;
            }
            return mutate(seeds[random.nextInt(seeds.length)], random);
        };
    }

    static byte[] mutate(byte[] seed, Random random) {
        byte[] out = seed.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            out = mutateOnce(out, random);
        }
        return out;
    }

    private static byte[] mutateOnce(byte[] in, Random random) {
        if (in.length == 0) {
            byte[] fresh = new byte[random.nextInt(32)];
            random.nextBytes(fresh);
            return fresh;
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(7)) {
            case 0 -> in[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> in[at] = (byte) INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
            case 2 -> {
                if (at + 1 < in.length) {
                    int value = INTERESTING_SHORTS[random.nextInt(INTERESTING_SHORTS.length)];
                    in[at] = (byte) (value >> 8);
                    in[at + 1] = (byte) value;
                }
            }
            case 3 -> {
                return Arrays.copyOf(in, at);
            }
            case 4 -> {
                byte[] longer = Arrays.copyOf(in, in.length + 1 + random.nextInt(64));
                for (int i = in.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                return longer;
            }
            case 5 -> {
                int length = 1 + random.nextInt(Math.min(32, in.length - at));
                byte[] repeated = new byte[in.length + length];
                System.arraycopy(in, 0, repeated, 0, at + length);
                System.arraycopy(in, at, repeated, at + length, in.length - at);
                return repeated;
            }
            default -> in[at] = (byte) random.nextInt(256);
        }
        return in;
    }

    /**
     * Runs {@code parser} over {@code input} in a pooled direct buffer (what the event loops read
     * into), at a reader index that is not zero when the input length says so, so that a parser
     * reading absolute offsets from 0 instead of its reader index is caught. Afterwards the buffer
     * must still be the caller's, exactly once: the parser neither released nor retained it.
     */
    static void inBuffer(byte[] input, Consumer<ByteBuf> parser) {
        int offset = input.length % 3;
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(offset + input.length);
        try {
            buf.writeZero(offset).writeBytes(input).readerIndex(offset);
            parser.accept(buf);
            if (buf.refCnt() != 1) {
                throw new AssertionError("the parser changed the input's reference count to " + buf.refCnt());
            }
        } finally {
            if (buf.refCnt() > 0) {
                buf.release(buf.refCnt());
            }
        }
    }
}
