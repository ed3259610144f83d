package io.sluice.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, checked on the compiled main classes: control ->
 * router -> protocols, one way. Each test fails, naming the offending dependency, as soon as a
 * change breaks its rule.
 */
class LayeringTest {

    private static final String ROOT = "io.sluice.worker";
    /** The protocol layers, and congestion control, time and the in-process pipe hop beside them: the router builds on them. */
    private static final String[] PROTOCOLS = {ROOT + ".rtp..", ROOT + ".rtcp..", ROOT + ".srtp..", ROOT + ".ice..",
        ROOT + ".dtls..", ROOT + ".net..", ROOT + ".sctp..", ROOT + ".pipe..", ROOT + ".bwe..", ROOT + ".time.."};
    private static final String GENERATED_PROTOBUF = "io.sluice.api.v1..";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void protocolPackagesKnowNothingOfTheLayersAbove() {
        noClasses().that().resideInAnyPackage(PROTOCOLS)
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".router..", ROOT + ".control..",
                        ROOT + ".registry..", ROOT + ".metrics..")
                .check(MAIN);
    }

    @Test
    void theRouterKnowsNoControlPlaneRegistryMetricsNatsNorRedis() {
        noClasses().that().resideInAPackage(ROOT + ".router..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".control..", ROOT + ".registry..",
                        ROOT + ".metrics..", "io.nats..", "io.lettuce..", "io.prometheus..")
                .check(MAIN);
    }

    /**
     * Metrics sit between the control plane and the router: they read the router's loop counters
     * and the workers through {@code metrics.MeteredWorker}, which the control plane implements;
     * the control plane records into {@code metrics.ControlMetrics}. So metrics know nothing above.
     */
    @Test
    void metricsKnowNothingOfTheControlPlaneRegistryNorNats() {
        noClasses().that().resideInAPackage(ROOT + ".metrics..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".control..", ROOT + ".registry..",
                        ROOT + ".config..", "io.nats..", "io.lettuce..")
                .check(MAIN);
    }

    /** The control API's types stop at control/: its mappers turn them into the router's records and back. */
    @Test
    void theRouterKnowsNoGeneratedProtobuf() {
        noClasses().that().resideInAPackage(ROOT + ".router..")
                .should().dependOnClassesThat().resideInAPackage(GENERATED_PROTOBUF)
                .check(MAIN);
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    /** The root package assembles the process: nothing below depends on it, so it is in no cycle either. */
    @Test
    void nothingDependsOnTheAssemblyPackage() {
        noClasses().that().resideOutsideOfPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT)
                .check(MAIN);
    }
}
