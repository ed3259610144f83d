package io.sluice.worker.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Two "hosts" of a test's own: two network namespaces joined by a veth pair, {@code a} with
 * {@link #ADDRESS_A} and {@code b} with {@link #ADDRESS_B} on a /30 of their own, each with its
 * loopback up. Made as root ({@code ip netns}, {@code ip link}), and removed by {@link #close}
 * (which also ends the link: a veth pair goes with its namespaces). Nothing is addressed outside
 * the two namespaces; processes are started in one with {@link #exec}.
 */
public final class TwoHosts implements AutoCloseable {

    public static final String ADDRESS_A = "10.213.0.1";
    public static final String ADDRESS_B = "10.213.0.2";
    private static final String PREFIX = "/30";

    private final String a;
    private final String b;
    private final List<String> made = new ArrayList<>();

    private TwoHosts(String tag) {
        this.a = "sluice-a-" + tag;
        this.b = "sluice-b-" + tag;
    }

    /** Whether this process may make namespaces (runs as root). */
    public static boolean canCreate() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Makes both namespaces and the link; on a failure, removes what it made and throws. */
    public static TwoHosts create() {
        ExternalTool.require("ip", "iproute2");
        String tag = UUID.randomUUID().toString().substring(0, 6);
        TwoHosts hosts = new TwoHosts(tag);
        try {
            String vethA = "vsa" + tag;
            String vethB = "vsb" + tag;
            hosts.namespace(hosts.a);
            hosts.namespace(hosts.b);
            run("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB);
            run("ip", "link", "set", vethA, "netns", hosts.a);
            run("ip", "link", "set", vethB, "netns", hosts.b);
            hosts.up(hosts.a, vethA, ADDRESS_A);
            hosts.up(hosts.b, vethB, ADDRESS_B);
            return hosts;
        } catch (RuntimeException e) {
            hosts.close();
            throw e;
        }
    }

    private void namespace(String name) {
        run("ip", "netns", "add", name);
        made.add(name);
    }

    private void up(String namespace, String veth, String address) {
        run("ip", "-n", namespace, "addr", "add", address + PREFIX, "dev", veth);
        run("ip", "-n", namespace, "link", "set", veth, "up");
        run("ip", "-n", namespace, "link", "set", "lo", "up");
    }

    /** The command prefix that runs a program in host a's namespace. */
    public List<String> execA() {
        return List.of("ip", "netns", "exec", a);
    }

    public List<String> execB() {
        return List.of("ip", "netns", "exec", b);
    }

    /** {@code command} run to completion in host b's namespace (iptables, say); fails on a non-zero exit. */
    public void runInB(String... command) {
        List<String> full = new ArrayList<>(execB());
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    /** The test's processes in the namespaces must have ended: a namespace is freed with its last process. */
    @Override
    public void close() {
        for (String namespace : made.reversed()) {
            try {
                run("ip", "netns", "del", namespace);
            } catch (RuntimeException e) {
                System.err.println("cannot remove network namespace " + namespace + ": " + e.getMessage());
            }
        }
        made.clear();
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }
}
