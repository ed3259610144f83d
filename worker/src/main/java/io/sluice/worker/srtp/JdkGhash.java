package io.sluice.worker.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GHASH on the JDK's own {@code com.sun.crypto.provider.GHASH}, whose block loop HotSpot replaces
 * with a carry-less-multiply stub (PCLMULQDQ/VPCLMULQDQ on x86-64, PMULL on AArch64), with 144
 * bytes of key material instead of {@link TableGhash}'s 64 KiB: AES-GCM then costs half of what it
 * did with one key and a fifteenth with a thousand (docs/benchmarks.md, "SRTP"). The
 * JCE reaches it only through {@code AES/GCM/NoPadding}, which must be re-initialised per packet
 * and allocates about 900 bytes each time; here one GHASH object per key is created once and fed
 * whole blocks through its package-private {@code update(byte[], int, int)} (which checks the
 * bounds before the stub runs), and its state array is read and cleared in place. Nothing is
 * allocated per packet.
 *
 * <p>The package is not exported: the JVM must run with
 * {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} (the worker jar's manifest
 * says so for {@code java -jar}; {@code scripts/lib.sh} and the test runner pass it). Without it,
 * or if a JDK changes these internals, {@link #isAvailable()} is false and {@link Ghash} falls
 * back to {@link TableGhash}; a self-test against the latter guards the result.
 */
final class JdkGhash extends Ghash {
    static final String REQUIRED_JVM_OPTION = "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED";
    private static final Logger log = LoggerFactory.getLogger(JdkGhash.class);
    /** (Object ghash, byte[] data, int off, int len) int; null when the JDK's GHASH is out of reach. */
    private static final MethodHandle UPDATE;
    /** (byte[] hashSubkey) Object. */
    private static final MethodHandle CONSTRUCTOR;
    /** (Object ghash) long[]: the state, {S high, S low}. */
    private static final MethodHandle STATE;

    static {
        MethodHandle update = null;
        MethodHandle constructor = null;
        MethodHandle state = null;
        try {
            Class<?> ghash = Class.forName("com.sun.crypto.provider.GHASH");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(ghash, MethodHandles.lookup());
            update = lookup.findVirtual(ghash, "update", MethodType.methodType(int.class, byte[].class, int.class, int.class))
                    .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class));
            constructor = lookup.findConstructor(ghash, MethodType.methodType(void.class, byte[].class))
                    .asType(MethodType.methodType(Object.class, byte[].class));
            state = lookup.findGetter(ghash, "state", long[].class)
                    .asType(MethodType.methodType(long[].class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("AES-GCM falls back to a pure-Java GHASH, 2x slower per packet than the JDK's intrinsic and "
                    + "15x in a large fan-out ({}); run the JVM with {}", e.toString(), REQUIRED_JVM_OPTION);
        }
        UPDATE = update;
        CONSTRUCTOR = constructor;
        STATE = state;
    }

    private static final boolean AVAILABLE = UPDATE != null && agreesWithTables();

    private final Object ghash;
    private final long[] state;

    JdkGhash(byte[] hashSubkey) {
        if (UPDATE == null) {
            throw new IllegalStateException("the JDK's GHASH is not reachable: run the JVM with " + REQUIRED_JVM_OPTION);
        }
        try {
            ghash = (Object) CONSTRUCTOR.invokeExact(hashSubkey);
            state = (long[]) STATE.invokeExact(ghash);
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's GHASH", e);
        }
    }

    /** True when the JDK's GHASH can be called and gives GHASH's answer. */
    static boolean isAvailable() {
        return AVAILABLE;
    }

    @Override
    void resetState() {
        state[0] = 0;
        state[1] = 0;
    }

    @Override
    void absorbBlocks(byte[] data, int off, int blocks) {
        try {
            int absorbed = (int) UPDATE.invokeExact(ghash, data, off, blocks * AesCounterMode.BLOCK);
            assert absorbed == blocks * AesCounterMode.BLOCK;
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's GHASH", e);
        }
    }

    @Override
    long high() {
        return state[0];
    }

    @Override
    long low() {
        return state[1];
    }

    /** Guards against a JDK whose internals kept their names but changed their meaning. */
    private static boolean agreesWithTables() {
        byte[] hashSubkey = new byte[AesCounterMode.BLOCK];
        byte[] data = new byte[5 * AesCounterMode.BLOCK + 3];
        for (int i = 0; i < hashSubkey.length; i++) {
            hashSubkey[i] = (byte) (0x9E * i + 0x37);
        }
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0x3B * i + 0x11);
        }
        try {
            Ghash jdk = new JdkGhash(hashSubkey);
            Ghash tables = TableGhash.narrow(hashSubkey);
            for (Ghash g : new Ghash[] {jdk, tables}) {
                g.reset();
                g.update(data, 0, 13);
                g.padToBlock();
                g.update(data, 13, data.length - 13);
                g.finish(13, data.length - 13);
            }
            if (jdk.high() == tables.high() && jdk.low() == tables.low()) {
                return true;
            }
            log.warn("AES-GCM falls back to a pure-Java GHASH: the JDK's GHASH gave a different answer");
        } catch (RuntimeException e) {
            log.warn("AES-GCM falls back to a pure-Java GHASH: the JDK's GHASH failed ({})", e.toString());
        }
        return false;
    }
}
