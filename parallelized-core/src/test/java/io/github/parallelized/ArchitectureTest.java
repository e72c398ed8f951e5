package io.github.parallelized;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Keeps the public API small and the core free of frameworks. */
class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.parallelized");

    @Test
    void thePublicTypesAreExactlyTheDocumentedOnes() {
        Set<String> publicTypes = CORE.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(c -> c.getName().substring("io.github.parallelized.".length()))
                .collect(Collectors.toSet());
        assertThat(publicTypes).containsExactlyInAnyOrder("Parallelized", "Parallelized$Builder", "TaskFunction", "AsyncTaskFunction",
                "Outcome", "Progress", "ProgressSnapshot", "ProgressReporter", "RunState", "Summary", "Errors",
                "ParallelizedException", "RetryPolicy", "RetryAfter", "TaskLimit", "CheckpointStore",
                "CheckpointStore$Failure", "CheckpointStore$Entry");
    }

    @Test
    void theCoreDependsOnTheJdkAndProgressbarOnlyNoLoggingLibrary() {
        classes().that().resideInAPackage("io.github.parallelized..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.github.parallelized..", "java..", "javax.sql..", "me.tongfei.progressbar..")
                .check(CORE);
    }

    @Test
    void theCommonPoolIsNeverUsedByAccident() {
        noClasses().should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching(".*Async")))
                .orShould().callMethod(java.util.concurrent.ForkJoinPool.class, "commonPool")
                .check(CORE);
    }
}
