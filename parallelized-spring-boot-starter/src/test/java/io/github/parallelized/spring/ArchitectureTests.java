package io.github.parallelized.spring;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The starter's public surface is what the design names, and nothing else. */
class ArchitectureTests {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.parallelized.spring");

    @Test
    void publicTypesAreTheDocumentedOnes() {
        assertThat(classes.stream()
                .filter(type -> type.getModifiers().contains(JavaModifier.PUBLIC))
                .filter(type -> type.getEnclosingClass().map(outer -> outer.getModifiers().contains(JavaModifier.PUBLIC))
                        .orElse(true))
                .map(type -> type.getName().substring("io.github.parallelized.spring.".length())))
                .containsExactlyInAnyOrder("ParallelizedFactory", "ParallelizedProperties",
                        "ParallelizedProperties$ProgressMode", "ParallelizedProperties$Pool",
                        "ParallelizedProperties$Retry", "ParallelizedProperties$Metrics",
                        "ParallelizedProperties$Shutdown", "ParallelizedProperties$ObservationSettings",
                        "ParallelizedAutoConfiguration",
                        "ParallelizedMetricsAutoConfiguration", "ParallelizedEndpointAutoConfiguration",
                        "ParallelizedObservationAutoConfiguration", "ParallelizedBuilderCustomizer", "ParallelizedRuns",
                        "RunObservationContext", "RunObservationConvention", "DefaultRunObservationConvention",
                        "TaskObservationContext", "TaskObservationConvention", "DefaultTaskObservationConvention",
                        "ClusterTask", "ParallelizedClusterFactory", "ParallelizedClusterAutoConfiguration",
                        "ParallelizedLimits", "ParallelizedLimitsAutoConfiguration",
                        "ParallelizedCheckpointProperties", "ParallelizedCheckpointProperties$InitializeSchema",
                        "ParallelizedCheckpointAutoConfiguration");
    }

    @Test
    void autoConfigurationsArePublicFinal() {
        assertThat(classes.stream().filter(type -> type.getSimpleName().endsWith("AutoConfiguration")))
                .hasSize(7)
                .allMatch(type -> type.getModifiers().contains(JavaModifier.FINAL));
    }

    /**
     * One slice per package, the core's root package included: the pattern {@code io.github.parallelized.(**)}
     * would leave the root package out, and a single slice can never have a cycle.
     */
    @Test
    void noPackageCycles() {
        JavaClasses all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.parallelized");
        SliceAssignment byPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return javaClass.getPackageName().startsWith("io.github.parallelized")
                        ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "the packages of io.github.parallelized";
            }
        };
        assertThat(all.stream().map(JavaClass::getPackageName).distinct())
                .as("the core and the starter are both sliced, so that a cycle between them would show")
                .contains("io.github.parallelized", "io.github.parallelized.spring");
        slices().assignedFrom(byPackage).should().beFreeOfCycles().check(all);
    }

    @Test
    void autoConfigurationsAreListedForSpringBoot() throws Exception {
        try (var in = getClass().getResourceAsStream(
                "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines())
                    .containsExactly(ParallelizedAutoConfiguration.class.getName(),
                            ParallelizedMetricsAutoConfiguration.class.getName(),
                            ParallelizedEndpointAutoConfiguration.class.getName(),
                            ParallelizedObservationAutoConfiguration.class.getName(),
                            ParallelizedClusterAutoConfiguration.class.getName(),
                            ParallelizedLimitsAutoConfiguration.class.getName(),
                            ParallelizedCheckpointAutoConfiguration.class.getName());
        }
    }
}
