package io.github.parallelized.hazelcast;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.properties.HasModifiers;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** The module is built on the core's public API only, keeps its own API small, and never uses the common pool. */
class ArchitectureTest {

    private static final JavaClasses MODULE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.parallelized.hazelcast");

    @Test
    void thePublicTypesAreExactlyTheDocumentedOnes() {
        Set<String> publicTypes = MODULE.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(JavaClass::getSimpleName)
                .collect(Collectors.toSet());
        assertThat(publicTypes).containsExactlyInAnyOrder("ParallelizedCluster", "ClusterTaskException",
                "ClusterRunStats", "ClusterMemberStats", "NamedRun", "State", "RunInProgressException");
    }

    @Test
    void theCoreIsUsedThroughItsPublicApiOnly() {
        classes().should().onlyDependOnClassesThat(JavaClass.Predicates.resideOutsideOfPackage("io.github.parallelized")
                        .or(HasModifiers.Predicates.modifier(JavaModifier.PUBLIC)))
                .check(MODULE);
    }

    @Test
    void theModuleDependsOnTheJdkTheCoreHazelcastAndSlf4jOnly() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("io.github.parallelized..", "java..",
                        "com.hazelcast..", "org.slf4j..")
                .check(MODULE);
    }

    @Test
    void theCommonPoolIsNeverUsed() {
        noClasses().should().callMethod(ForkJoinPool.class, "commonPool")
                .orShould().callMethod(CompletableFuture.class, "supplyAsync", java.util.function.Supplier.class)
                .orShould().callMethod(CompletableFuture.class, "runAsync", Runnable.class)
                .check(MODULE);
    }
}
