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

    /** No part of the engine (the run makes and wires them) knows the run. */
    @Test
    void noPartOfTheEngineRefersBackToTheRun() {
        noClasses().that().resideInAPackage("io.github.parallelized")
                .and().haveNameNotMatching("io\\.github\\.parallelized\\.(Run|Parallelized|Checkpointing)(\\$.*)?")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.github.parallelized.Run")
                .check(CORE);
        // a worker and its attempt reach the loops through the Loops interface, never the Crew that owns them
        noClasses().that().haveSimpleNameStartingWith("Worker").or().haveSimpleName("Tasks")
                .or().haveSimpleNameStartingWith("Async").or().haveSimpleName("Places").or().haveSimpleName("Loop")
                .or().haveSimpleName("Timeouts")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.github.parallelized.Crew")
                .check(CORE);
    }

    /**
     * Every class of the core, the engine's parts and the others (the limits' permits, the console's screen, the
     * checkpoint's parts, the run's configuration), nested ones included, keeps to fifteen fields, and every file of
     * an implementation class to 300 lines. The public API's files (Javadoc and builders) are exempt from the count
     * of lines, not of fields. Run from the module's directory (Maven's and the IDE's default).
     */
    @Test
    void everyImplementationClassHasAtMostFifteenFieldsAndThreeHundredLines() throws java.io.IOException {
        java.util.List<String> tooLarge = new java.util.ArrayList<>();
        for (com.tngtech.archunit.core.domain.JavaClass type : CORE) {
            long fields = type.getFields().stream()
                    .filter(f -> !f.getModifiers().contains(JavaModifier.STATIC))
                    .filter(f -> !f.getModifiers().contains(JavaModifier.SYNTHETIC))
                    .filter(f -> !f.getName().matches("[pq]\\d+")) // cache-line padding
                    .count();
            if (fields > 15) {
                tooLarge.add(type.getName() + ": " + fields + " fields");
            }
            if (type.getEnclosingClass().isEmpty() && !type.getModifiers().contains(JavaModifier.PUBLIC)) {
                long lines = lines(type.getSimpleName());
                if (lines > 300) {
                    tooLarge.add(type.getName() + ": " + lines + " lines");
                }
            }
        }
        assertThat(tooLarge).isEmpty();
    }

    private static long lines(String name) throws java.io.IOException {
        java.nio.file.Path source = java.nio.file.Path.of("src/main/java/io/github/parallelized", name + ".java");
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(source)) {
            return lines.count();
        }
    }

    @Test
    void noPartOfTheCheckpointRefersBackToTheOneThatWiresIt() {
        noClasses().that().haveSimpleNameStartingWith("Checkpoint").or().haveSimpleNameStartingWith("Jdbc")
                .and().haveNameNotMatching("io\\.github\\.parallelized\\.Checkpointing(\\$.*)?")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.github.parallelized.Checkpointing")
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
