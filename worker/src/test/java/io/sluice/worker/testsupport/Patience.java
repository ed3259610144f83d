package io.sluice.worker.testsupport;

import java.time.Duration;

/**
 * How long a test waits for a condition (a reply, an event, a process, a packet) before it fails:
 * room for a 2-core machine shared with other builds, where a JVM takes half a minute to start.
 * A bound on waiting, never a measure of speed: a passing test waits only as long as its condition
 * takes (speed goals live in the benchmarks, docs/benchmarks.md).
 */
public final class Patience {

    public static final Duration WAIT = Duration.ofSeconds(90);

    private Patience() {}
}
