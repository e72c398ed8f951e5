package io.github.parallelized.spring;

import java.time.Duration;

import io.github.parallelized.TaskLimit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedLimitsAutoConfiguration.class))
            .withPropertyValues("parallelized.progress=none");

    @Test
    void withoutNamedLimitsTheRegistryIsEmpty() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ParallelizedLimits.class).names()).isEmpty();
            assertThat(context.getBeansOfType(TaskLimit.class)).isEmpty();
            assertThat(context).doesNotHaveBean(LimitMeters.class);
        });
    }

    @Test
    void eachNamedLimitIsABeanFoundByNameAndByQualifier() {
        runner.withPropertyValues("parallelized.limits.openai.concurrency=8", "parallelized.limits.openai.rate=20",
                        "parallelized.limits.openai.per=1s", "parallelized.limits.geo.rate=5",
                        "parallelized.limits.db.concurrency=2")
                .withUserConfiguration(UsesQualifier.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ParallelizedLimits limits = context.getBean(ParallelizedLimits.class);
                    assertThat(limits.names()).containsExactlyInAnyOrder("openai", "geo", "db");
                    TaskLimit openai = limits.get("openai");
                    assertThat(openai).hasToString("TaskLimit[concurrency 8 and rate 20 per 1.0 s]")
                            .isSameAs(context.getBean("parallelized.limits.openai"))
                            .isSameAs(context.getBean(UsesQualifier.class).openai);
                    assertThat(limits.get("geo")).hasToString("TaskLimit[rate 5 per 1.0 s]");
                    assertThat(limits.get("db")).hasToString("TaskLimit[concurrency 2]");
                    assertThatThrownBy(() -> limits.get("anthropic")).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("no limit named 'anthropic'").hasMessageContaining("openai");
                });
    }

    @Test
    void aNamedLimitIsSharedByEveryoneWhoAsksForIt() {
        runner.withPropertyValues("parallelized.limits.api.concurrency=1").run(context -> {
            TaskLimit a = context.getBean(ParallelizedLimits.class).get("api");
            TaskLimit b = context.getBean("parallelized.limits.api", TaskLimit.class);
            assertThat(a).isSameAs(b);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "parallelized.limits.api.concurrency=0 | parallelized.limits.api.concurrency | 0",
            "parallelized.limits.api.rate=0 | parallelized.limits.api.rate | 0",
            "parallelized.limits.api.rate=2000000 | parallelized.limits.api.rate | 2000000",
            "parallelized.limits.api.per=0s | parallelized.limits.api.per | 0s",
            "parallelized.limits.api.per=-1s | parallelized.limits.api.per | -1s",
            "parallelized.limits.api.per=1s | parallelized.limits.api.concurrency | ''"})
    void anInvalidValueStopsTheStartUpNamingTheProperty(String setting, String property, String shown) {
        runner.withPropertyValues(setting, "parallelized.limits.other.concurrency=3").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PropertiesFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("'" + property + "'");
            assertThat(analysis.getAction()).contains(property);
        });
    }

    @Test
    void aValueThatDoesNotConvertStopsTheStartUp() {
        runner.withPropertyValues("parallelized.limits.api.rate=lots").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PropertiesFailureAnalyzer(new MockEnvironment())
                    .analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("parallelized.limits.api.rate").contains("lots");
        });
    }

    @Test
    void anUnknownKeyUnderANameIsRefusedWithTheNearestOne() {
        runner.withPropertyValues("parallelized.limits.api.concurency=3").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PropertiesFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Unknown property 'parallelized.limits.api.concurency'")
                    .contains("did you mean 'parallelized.limits.api.concurrency'");
        });
    }

    @Test
    void withAMeterRegistryEachLimitHasItsMeters() {
        runner.withPropertyValues("parallelized.limits.api.concurrency=4", "parallelized.limits.api.rate=10",
                        "parallelized.limits.geo.rate=5")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasSingleBean(LimitMeters.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    TaskLimit api = context.getBean(ParallelizedLimits.class).get("api");
                    assertThat(api).isNotNull();
                    assertThat(registry.get(LimitMeters.WAITING).tag("limit", "api").gauge().value()).isZero();
                    assertThat(registry.get(LimitMeters.PERMITS).tags("limit", "api", "kind", "concurrency").gauge()
                            .value()).isZero();
                    assertThat(registry.get(LimitMeters.PERMITS).tags("limit", "api", "kind", "rate").gauge().value())
                            .isZero();
                    assertThat(registry.find(LimitMeters.PERMITS).tags("limit", "geo", "kind", "concurrency").gauge())
                            .isNull();
                    assertThat(registry.get(LimitMeters.PERMITS).tags("limit", "geo", "kind", "rate").gauge())
                            .isNotNull();
                });
    }

    @Test
    void withoutMicrometerThereAreNoMeters() {
        runner.withPropertyValues("parallelized.limits.api.concurrency=4")
                .withClassLoader(new FilteredClassLoader("io.micrometer.core"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(LimitMeters.class);
                    assertThat(context.getBean(ParallelizedLimits.class).get("api").maxConcurrency()).isEqualTo(4);
                });
    }

    @Test
    void theConfigurationMetadataKnowsTheNamedLimits() {
        assertThat(UnknownProperties.knownNames(getClass().getClassLoader())).contains("parallelized.limits");
    }

    @Configuration(proxyBeanMethods = false)
    static class UsesQualifier {
        final TaskLimit openai;

        UsesQualifier(@Qualifier("openai") TaskLimit openai) {
            this.openai = openai;
        }

        @Bean
        Duration unrelated() {
            return Duration.ZERO;
        }
    }
}
