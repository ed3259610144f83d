package io.sluice.orchestrator.browser;

import io.sluice.worker.testsupport.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A slow link for one UDP source port on {@code lo}, in the test's own network namespace (this
 * kernel has no netem; see /work/shared/INTEROP.md): an HTB root whose default class is fast, a
 * class at the given rate, a short FIFO under it (a home router's buffer, not the thousand
 * packets of {@code lo}'s queue), and a {@code u32} filter sending the port's packets to it.
 * Removed on {@link #close}. Needs root ({@code unshare --net}, as scripts/test runs browser tests).
 */
final class LoopbackShaper implements AutoCloseable {

    /** Packets the slow class queues: about 0.7 s of 1,200-byte packets at 400 kbit/s. */
    private static final int QUEUE_PACKETS = 30;

    /**
     * A link's burst is about one packet; HTB's default adds {@code lo}'s MTU (64 KiB), which lets
     * every probe cluster and key frame through at full speed and makes the link look far faster
     * than its rate.
     */
    private static final String BURST_BYTES = "1600";

    private final Path tc = ExternalTool.require("tc", "iproute2");
    private boolean installed;

    /** Shapes the packets sent from UDP port {@code sourcePort} to {@code kbits} kbit/s. */
    void shape(int sourcePort, int kbits) throws Exception {
        clear();
        installed = true;
        run("qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10");
        run("class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit");
        run("class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", kbits + "kbit",
                "ceil", kbits + "kbit", "burst", BURST_BYTES, "cburst", BURST_BYTES);
        run("qdisc", "add", "dev", "lo", "parent", "1:20", "handle", "20:", "pfifo", "limit",
                Integer.toString(QUEUE_PACKETS));
        run("filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "u32", "match", "ip", "sport",
                Integer.toString(sourcePort), "0xffff", "flowid", "1:20");
    }

    /** The link at full speed again. */
    void clear() throws Exception {
        if (installed) {
            installed = false;
            run("qdisc", "del", "dev", "lo", "root");
        }
    }

    private void run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(tc.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws Exception {
        clear();
    }
}
