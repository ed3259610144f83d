package io.sluice.worker.fuzz;

import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A small property runner for the parser fuzz tests: {@code tries} inputs from a generator, each
 * checked by a property (a consumer that throws on a violation). The run's seed is random unless
 * {@code -Dsluice.fuzz.seed} fixes it; a failure names the seed and the try and prints the input,
 * so that {@code -Dsluice.fuzz.seed=<seed>} replays the same inputs. {@code -Dsluice.fuzz.tries}
 * sets the tries per property: 1,000 in the normal suite, 1,000,000 in the fuzz profile
 * ({@code mvn -Pfuzz}). Each run prints one line, {@code fuzz <name>: <n> inputs in <s> s}.
 * {@code -Dsluice.fuzz.input=<hex>} checks that one printed input instead, against every property
 * of the run (a property that cannot read it fails at once: name the test with {@code -Dtest}).
 *
 * <p>No property-testing library: jqwik 1.10 (the version served with JUnit 6 support) prints an
 * instruction aimed at coding agents into every test run's output and its maintainer asks that
 * agents not use it; this runner needs nothing and fits what the parsers need (bytes in, no
 * shrinking: the failing input is printed whole).
 */
final class Fuzz {

    static final long TRIES = Long.getLong("sluice.fuzz.tries", 1000);
    private static final String REPLAYED = System.getProperty("sluice.fuzz.input");

    private Fuzz() {
    }

    /** True when one given input is checked: a property's assertions over a whole run do not apply. */
    static boolean replaying() {
        return REPLAYED != null;
    }

    static void forAll(String name, FuzzInputs.Generator generator, Consumer<byte[]> property) {
        if (replaying()) {
            byte[] input = HexFormat.of().parseHex(REPLAYED.strip());
            try {
                property.accept(input);
            } catch (Throwable failure) {
                throw new AssertionError("fuzz " + name + " failed on the given input: " + failure, failure);
            }
            System.out.printf("fuzz %s: the given input passed%n", name);
            return;
        }
        long seed = Long.getLong("sluice.fuzz.seed", new Random().nextLong());
        Random random = new Random(seed);
        long started = System.nanoTime();
        for (long attempt = 0; attempt < TRIES; attempt++) {
            byte[] input = generator.next(random);
            try {
                property.accept(input);
            } catch (Throwable failure) {
                throw new AssertionError("fuzz " + name + " failed at try " + attempt + " (replay with -Dsluice.fuzz.seed="
                        + seed + ") on input " + HexFormat.of().formatHex(input) + ": " + failure, failure);
            }
        }
        System.out.printf("fuzz %s: %d inputs in %.1f s (seed %d)%n", name, TRIES,
                (System.nanoTime() - started) / 1e9, seed);
    }
}
