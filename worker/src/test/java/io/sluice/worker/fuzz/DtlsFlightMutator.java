package io.sluice.worker.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Mutations of a recorded DTLS flight, a list of datagrams, aimed at record parsing and handshake
 * reassembly: bytes of one datagram, one field of a handshake fragment header (RFC 6347 §4.2.2:
 * message length, message_seq, fragment_offset, fragment_length), a fragment cut in two with an
 * overlap or a gap (§4.2.3) and the parts in either order, datagrams swapped, dropped, duplicated,
 * merged or split at record boundaries (§4.1.1: several records per datagram).
 *
 * <p>Record header (§4.1): type(1) version(2) epoch(2) sequence_number(6) length(2); handshake
 * header (§4.2.2): msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3).
 */
final class DtlsFlightMutator {

    static final int MAX_DATAGRAMS = 32;
    private static final int RECORD_HEADER = 13;
    private static final int HANDSHAKE_HEADER = 12;
    private static final int HANDSHAKE = 22;

    private DtlsFlightMutator() {
    }

    static List<byte[]> mutate(List<byte[]> flight, Random random) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] datagram : flight) {
            out.add(datagram.clone());
        }
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && !out.isEmpty(); m++) {
            int at = random.nextInt(out.size());
            switch (random.nextInt(9)) {
                case 0 -> out.set(at, FuzzInputs.mutate(out.get(at), random));
                case 1 -> mutateFragmentField(out.get(at), random);
                case 2 -> {
                    List<byte[]> parts = refragment(out.get(at), random);
                    out.remove(at);
                    out.addAll(at, parts);
                }
                case 3 -> Collections.swap(out, at, random.nextInt(out.size()));
                case 4 -> out.remove(at);
                case 5 -> out.add(random.nextInt(out.size() + 1), out.get(at).clone());
                case 6 -> {
                    if (at + 1 < out.size()) {
                        byte[] merged = concat(out.get(at), out.get(at + 1));
                        out.remove(at + 1);
                        out.set(at, merged);
                    }
                }
                case 7 -> {
                    List<byte[]> records = records(out.get(at));
                    if (records.size() > 1) {
                        out.remove(at);
                        out.addAll(at, records);
                    }
                }
                default -> out.subList(random.nextInt(out.size()) + 1, out.size()).clear();
            }
        }
        return out.size() > MAX_DATAGRAMS ? new ArrayList<>(out.subList(0, MAX_DATAGRAMS)) : out;
    }

    /** Offsets of the records that fit in the datagram, in order. */
    static List<Integer> recordStarts(byte[] datagram) {
        List<Integer> starts = new ArrayList<>();
        int position = 0;
        while (position + RECORD_HEADER <= datagram.length) {
            int end = position + RECORD_HEADER + uint(datagram, position + 11, 2);
            if (end > datagram.length) {
                break;
            }
            starts.add(position);
            position = end;
        }
        return starts;
    }

    /** True when some plaintext handshake record carries only part of its message (§4.2.3). */
    static boolean hasPartialFragment(byte[] datagram) {
        for (int start : handshakeRecords(datagram)) {
            int body = start + RECORD_HEADER;
            if (uint(datagram, body + 9, 3) < uint(datagram, body + 1, 3)) {
                return true;
            }
        }
        return false;
    }

    /** True when the datagram's first plaintext handshake record is a ClientHello (msg_type 1) fragment. */
    static boolean isClientHello(byte[] datagram) {
        List<Integer> handshakes = handshakeRecords(datagram);
        return !handshakes.isEmpty() && datagram[handshakes.get(0) + RECORD_HEADER] == 1;
    }

    /** Plaintext (epoch 0) handshake records with a whole handshake header. */
    private static List<Integer> handshakeRecords(byte[] datagram) {
        List<Integer> found = new ArrayList<>();
        for (int start : recordStarts(datagram)) {
            if ((datagram[start] & 0xff) == HANDSHAKE && uint(datagram, start + 3, 2) == 0
                    && uint(datagram, start + 11, 2) >= HANDSHAKE_HEADER) {
                found.add(start);
            }
        }
        return found;
    }

    private static void mutateFragmentField(byte[] datagram, Random random) {
        List<Integer> handshakes = handshakeRecords(datagram);
        if (handshakes.isEmpty()) {
            return;
        }
        int start = handshakes.get(random.nextInt(handshakes.size()));
        int body = start + RECORD_HEADER;
        int[][] fields = {{body + 1, 3}, {body + 4, 2}, {body + 6, 3}, {body + 9, 3}, {body, 1}, {start + 11, 2}};
        int[] field = fields[random.nextInt(fields.length)];
        int original = uint(datagram, field[0], field[1]);
        int messageLength = uint(datagram, body + 1, 3);
        int max = (1 << (8 * field[1])) - 1;
        int value = switch (random.nextInt(7)) {
            case 0 -> 0;
            case 1 -> max;
            case 2 -> original + 1;
            case 3 -> original - 1;
            case 4 -> original + random.nextInt(65) - 32;
            case 5 -> messageLength - random.nextInt(3);
            default -> random.nextInt() & max;
        };
        put(datagram, field[0], field[1], value & max);
    }

    /**
     * Cuts one handshake fragment in two, the second starting a little before (overlap) or after
     * (gap) where the first ends, the parts in either order, in one datagram or two. The second part
     * gets a fresh record sequence number inside the replay window (RFC 6347 §4.1.2.6).
     */
    private static List<byte[]> refragment(byte[] datagram, Random random) {
        List<Integer> handshakes = handshakeRecords(datagram);
        if (handshakes.isEmpty()) {
            return List.of(datagram);
        }
        int start = handshakes.get(random.nextInt(handshakes.size()));
        int body = start + RECORD_HEADER;
        int recordLength = uint(datagram, start + 11, 2);
        int fragmentLength = uint(datagram, body + 9, 3);
        int fragmentOffset = uint(datagram, body + 6, 3);
        if (fragmentLength < 2 || HANDSHAKE_HEADER + fragmentLength > recordLength) {
            return List.of(datagram);
        }
        int cut = 1 + random.nextInt(fragmentLength - 1);
        int secondFrom = switch (random.nextInt(3)) {
            case 0 -> cut - random.nextInt(cut + 1);
            case 1 -> Math.min(fragmentLength - 1, cut + random.nextInt(8));
            default -> cut;
        };
        byte[] data = Arrays.copyOfRange(datagram, body + HANDSHAKE_HEADER, body + HANDSHAKE_HEADER + fragmentLength);
        byte[] first = fragment(datagram, start, fragmentOffset, Arrays.copyOfRange(data, 0, cut), -1);
        byte[] second = fragment(datagram, start, fragmentOffset + secondFrom,
                Arrays.copyOfRange(data, secondFrom, fragmentLength), 20 + random.nextInt(40));
        byte[] before = Arrays.copyOfRange(datagram, 0, start);
        byte[] after = Arrays.copyOfRange(datagram, start + RECORD_HEADER + recordLength, datagram.length);
        boolean secondFirst = random.nextBoolean();
        if (random.nextBoolean()) {
            return List.of(secondFirst ? concat(before, second, first, after) : concat(before, first, second, after));
        }
        byte[] rest = concat(before, first, after);
        return secondFirst ? List.of(second, rest) : List.of(rest, second);
    }

    /** A record like the one at {@code start} holding {@code data} at {@code offset}; sequence -1 keeps its own. */
    private static byte[] fragment(byte[] datagram, int start, int offset, byte[] data, long sequence) {
        byte[] record = new byte[RECORD_HEADER + HANDSHAKE_HEADER + data.length];
        System.arraycopy(datagram, start, record, 0, RECORD_HEADER + HANDSHAKE_HEADER);
        if (sequence >= 0) {
            put(record, 5, 2, 0);
            put(record, 7, 4, (int) sequence);
        }
        put(record, 11, 2, HANDSHAKE_HEADER + data.length);
        put(record, RECORD_HEADER + 6, 3, offset);
        put(record, RECORD_HEADER + 9, 3, data.length);
        System.arraycopy(data, 0, record, RECORD_HEADER + HANDSHAKE_HEADER, data.length);
        return record;
    }

    private static List<byte[]> records(byte[] datagram) {
        List<Integer> starts = recordStarts(datagram);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : datagram.length;
            records.add(Arrays.copyOfRange(datagram, starts.get(i), end));
        }
        return records;
    }

    /** The datagrams as one byte string, each behind its 16-bit length (what {@link Fuzz} prints and replays). */
    static byte[] encode(List<byte[]> datagrams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] datagram : datagrams) {
            int length = Math.min(datagram.length, 0xffff);
            out.write(length >> 8);
            out.write(length);
            out.write(datagram, 0, length);
        }
        return out.toByteArray();
    }

    /** The inverse of {@link #encode}; a short last datagram takes what is left. */
    static List<byte[]> decode(byte[] encoded) {
        List<byte[]> datagrams = new ArrayList<>();
        int position = 0;
        while (position + 2 <= encoded.length) {
            int length = Math.min(uint(encoded, position, 2), encoded.length - position - 2);
            datagrams.add(Arrays.copyOfRange(encoded, position + 2, position + 2 + length));
            position += 2 + length;
        }
        return datagrams;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }

    private static int uint(byte[] bytes, int offset, int length) {
        int value = 0;
        for (int i = 0; i < length; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    private static void put(byte[] bytes, int offset, int length, int value) {
        for (int i = length - 1; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }
}
