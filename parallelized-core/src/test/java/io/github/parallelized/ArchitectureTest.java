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

    /** The engine's parts, which the run makes and wires: none may know the run, each has few fields. */
    private static final Set<String> ENGINE = Set.of("Admission", "Room", "Cursor", "Stealing", "Unread", "Claim",
            "Crew", "Loop", "Submissions", "OwnThreads", "Growth", "Worker", "WorkerThread", "Pace", "Tasks",
            "Parking", "Timeouts", "AttemptPolicy", "AsyncTasks", "AsyncEnds", "AsyncAttempt", "AsyncAttempts", "Places", "Stages",
            "Delivery", "Handoff", "Outcomes", "InOrder", "Counters", "Lifecycle", "FailurePolicy", "RunProgress",
            "Reporters", "Throttled", "RunLimits", "KeyedLimits");

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

    @Test
    void everyPartOfTheEngineHasAtMostFifteenFieldsAndThreeHundredLines() throws java.io.IOException {
        for (String name : ENGINE) {
            long fields = CORE.get("io.github.parallelized." + name).getFields().stream()
                    .filter(f -> !f.getModifiers().contains(JavaModifier.STATIC))
                    .filter(f -> !f.getModifiers().contains(JavaModifier.SYNTHETIC))
                    .filter(f -> !f.getName().matches("[pq]\\d+")) // cache-line padding
                    .count();
            assertThat(fields).as("instance fields of " + name).isLessThanOrEqualTo(15);
            assertAtMostThreeHundredLines(name);
        }
    }

    /** Run from the module's directory (Maven's and the IDE's default). */
    private static void assertAtMostThreeHundredLines(String name) throws java.io.IOException {
        java.nio.file.Path source = java.nio.file.Path.of("src/main/java/io/github/parallelized", name + ".java");
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(source)) {
            assertThat(lines.count()).as("lines of " + source).isLessThanOrEqualTo(300);
        }
    }

    /** The checkpoint's parts ({@code Checkpointing} makes and wires them) and the JDBC store's. */
    private static final Set<String> CHECKPOINT = Set.of("Checkpointing", "CheckpointKeys", "CheckpointState",
            "CheckpointBatch", "CheckpointBatches", "CheckpointReader", "CheckpointLookup", "CheckpointSkipping",
            "CheckpointRecorder", "JdbcCheckpointStore", "JdbcDialect", "JdbcLookups", "JdbcWrites", "JdbcSessions",
            "RunScopedStore");

    @Test
    void everyPartOfTheCheckpointHasAtMostFifteenFieldsAndThreeHundredLines() throws java.io.IOException {
        for (String name : CHECKPOINT) {
            long fields = CORE.get("io.github.parallelized." + name).getFields().stream()
                    .filter(f -> !f.getModifiers().contains(JavaModifier.STATIC))
                    .filter(f -> !f.getModifiers().contains(JavaModifier.SYNTHETIC))
                    .count();
            assertThat(fields).as("instance fields of " + name).isLessThanOrEqualTo(15);
            assertAtMostThreeHundredLines(name);
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
