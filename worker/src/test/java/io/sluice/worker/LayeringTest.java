package io.sluice.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
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

    /**
     * Router classes that still use the generated protobuf classes (the control API's types) and
     * are to be converted to domain types, whole files at a time, with the mapping in control/.
     * The list only shrinks: {@link #theProtobufAllowListNamesOnlyClassesThatStillNeedIt} fails
     * when a class on it no longer uses protobuf, so that it is taken off.
     */
    private static final Set<String> ROUTER_CLASSES_STILL_ON_PROTOBUF = Set.of(
            "ListenInfos", "PlainSrtp", "PlainTransport", "PlainTransportFactory", "WebRtcServer", "WebRtcTransport",
            "WebRtcTransportFactory", "Worker");

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

    @Test
    void convertedRouterClassesUseNoGeneratedProtobuf() {
        noClasses().that().resideInAPackage(ROOT + ".router..").and(stillOnProtobuf().negate())
                .should().dependOnClassesThat().resideInAPackage(GENERATED_PROTOBUF)
                .check(MAIN);
    }

    @Test
    void theProtobufAllowListNamesOnlyClassesThatStillNeedIt() {
        Set<String> needing = new TreeSet<>();
        for (JavaClass type : MAIN) {
            if (type.getPackageName().startsWith(ROOT + ".router") && usesProtobuf(type)) {
                needing.add(routerName(type));
            }
        }
        assertThat(needing).containsExactlyInAnyOrderElementsOf(ROUTER_CLASSES_STILL_ON_PROTOBUF);
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

    private static DescribedPredicate<JavaClass> stillOnProtobuf() {
        return DescribedPredicate.describe("on the protobuf allow list",
                type -> ROUTER_CLASSES_STILL_ON_PROTOBUF.contains(routerName(type)));
    }

    private static boolean usesProtobuf(JavaClass type) {
        return type.getDirectDependenciesFromSelf().stream()
                .anyMatch(dependency -> dependency.getTargetClass().getPackageName().startsWith("io.sluice.api.v1"));
    }

    /** {@code Worker} for router.Worker and its nested classes, {@code ortc.Ortc} for router.ortc.Ortc. */
    private static String routerName(JavaClass type) {
        String name = type.getName().substring((ROOT + ".router.").length());
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }
}
