package io.sluice.worker.fuzz;

import static io.sluice.worker.fuzz.FuzzInputs.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.worker.rtcp.RtcpCompound;
import io.sluice.worker.rtcp.RtcpPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RTCP (RFC 3550 §6.4-§6.6, RFC 3611 XR, RFC 4585 §6 feedback, RFC 5104 §4.3.1 FIR, REMB,
 * transport-wide CC): {@link RtcpCompound#parse} answers null on anything malformed and never
 * throws, and whatever it accepted writes back out (the worker re-serializes what it forwards)
 * without throwing, within the length it announced. Seeds: one packet of each type, and a compound.
 */
class RtcpFuzzTest {

    static final byte[][] SEEDS = {
        // SR (PT 200) with one report block.
        hex("81C8000C 11111111 0102030405060708 00001000 00000010 00000400"
                + "22222222 05000010 00001234 00000020 00002000 00000100"),
        // RR (PT 201) with one report block.
        hex("81C90007 11111111 22222222 05000010 00001234 00000020 00002000 00000100"),
        // SDES (PT 202): CNAME "abcd", end, padding.
        hex("81CA0003 11111111 0104616263640000"),
        // BYE (PT 203) with a reason "x".
        hex("81CB0002 11111111 01780000"),
        // APP (PT 204), unknown to the parser: a raw packet.
        hex("80CC0002 11111111 6e616d65"),
        // Generic NACK (PT 205 FMT 1): PID 0x0010, BLP 0x0003.
        hex("81CD0003 11111111 22222222 00100003"),
        // Transport-wide CC (PT 205 FMT 15): base 1, count 2, reference time 0, fb count 0,
        // run-length chunk "2 small deltas", deltas 4 and 8.
        hex("8FCD0005 11111111 22222222 0001 0002 000000 00 2002 04 08"),
        // PLI (PT 206 FMT 1).
        hex("81CE0002 11111111 22222222"),
        // FIR (PT 206 FMT 4): one FCI, SSRC and sequence number.
        hex("84CE0004 11111111 00000000 22222222 05000000"),
        // REMB (PT 206 FMT 15): 1 SSRC, exponent 2, mantissa 0x12345.
        hex("8FCE0005 11111111 00000000 52454D42 01 0A2345 22222222"),
        // XR (PT 207): receiver reference time block (BT 4).
        hex("80CF0004 11111111 04000002 0102030405060708"),
        // A compound: RR then SDES then PLI.
        hex("80C90001 11111111 81CA0003 11111111 0104616263640000 81CE0002 11111111 22222222"),
    };

    private static final FuzzInputs.Generator RTCP = FuzzInputs.bytesOrMutated(SEEDS);

    @Test
    void parsingNeverThrowsAndWhatParsedWritesBack() {
        Fuzz.forAll("rtcp", RTCP, input -> FuzzInputs.inBuffer(input, buf -> {
            List<RtcpPacket> packets = RtcpCompound.parse(buf);
            if (packets == null) {
                return;
            }
            int length = RtcpCompound.serializedLength(packets);
            ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(length);
            try {
                RtcpCompound.write(packets, out);
                if (out.readableBytes() != length) {
                    throw new AssertionError("wrote " + out.readableBytes() + " bytes, announced " + length);
                }
            } finally {
                out.release();
            }
        }));
    }

    @Test
    void everySeedParses() {
        for (byte[] seed : SEEDS) {
            FuzzInputs.inBuffer(seed, buf -> {
                if (RtcpCompound.parse(buf) == null) {
                    throw new AssertionError("seed does not parse: " + java.util.HexFormat.of().formatHex(seed));
                }
            });
        }
    }
}
