package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The line every whole-worker benchmark prints first: the machine and JVM its figures came from. */
public final class BenchMachine {

    private BenchMachine() {
    }

    /** CPU model, visible cores, JVM name and version, max heap. */
    public static String describe() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(line -> line.startsWith("model name")).findFirst()
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
        return String.format("machine: %s, %d cores visible, JVM %s %s, max heap %d MB", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
    }
}
