package io.github.parallelized.spring;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelizedPropertiesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class));

    @Test
    void defaults() {
        runner.run(context -> {
            ParallelizedProperties properties = context.getBean(ParallelizedProperties.class);
            assertThat(properties.getNumThreads()).isNull();
            assertThat(properties.numThreads(false)).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(properties.numThreads(true)).isEqualTo(256);
            assertThat(properties.isPropagateContext()).isTrue();
            assertThat(properties.getObservation().isTasks()).isFalse();
            assertThat(properties.getMetrics().isPercentilesHistogram()).isFalse();
            assertThat(properties.getVirtualThreads()).isNull();
            assertThat(properties.getMaxInFlight()).isNull();
            assertThat(properties.getThreadNamePrefix()).isEqualTo("parallelized-");
            assertThat(properties.getProgress()).isNull();
            assertThat(properties.getTaskTimeout()).isNull();
            assertThat(properties.getPool()).isEqualTo(ParallelizedProperties.Pool.SHARED);
            assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(1);
            assertThat(properties.getRetry().getBackoff()).isEqualTo(Duration.ZERO);
            assertThat(properties.getMetrics().getRetention()).isEqualTo(Duration.ofMinutes(1));
            assertThat(properties.getMetrics().getMaxBatches()).isEqualTo(100);
            assertThat(properties.getShutdown().getAwaitTermination()).isEqualTo(Duration.ofSeconds(30));
        });
    }

    @Test
    void everyPropertyBinds() {
        runner.withPropertyValues("parallelized.num-threads=3", "parallelized.virtual-threads=false",
                "parallelized.max-in-flight=7", "parallelized.thread-name-prefix=work-", "parallelized.progress=console",
                "parallelized.task-timeout=2m", "parallelized.pool=per-run", "parallelized.retry.max-attempts=4",
                "parallelized.retry.backoff=250ms", "parallelized.metrics.retention=5s",
                "parallelized.metrics.max-batches=12", "parallelized.shutdown.await-termination=45s",
                "parallelized.metrics.percentiles-histogram=true", "parallelized.propagate-context=false",
                "parallelized.observation.tasks=true").run(context -> {
                    ParallelizedProperties properties = context.getBean(ParallelizedProperties.class);
                    assertThat(properties.getNumThreads()).isEqualTo(3);
                    assertThat(properties.getVirtualThreads()).isFalse();
                    assertThat(properties.getMaxInFlight()).isEqualTo(7);
                    assertThat(properties.getThreadNamePrefix()).isEqualTo("work-");
                    assertThat(properties.getProgress()).isEqualTo(ParallelizedProperties.ProgressMode.CONSOLE);
                    assertThat(properties.getTaskTimeout()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(properties.getPool()).isEqualTo(ParallelizedProperties.Pool.PER_RUN);
                    assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(4);
                    assertThat(properties.getRetry().getBackoff()).isEqualTo(Duration.ofMillis(250));
                    assertThat(properties.getMetrics().getRetention()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(properties.getMetrics().getMaxBatches()).isEqualTo(12);
                    assertThat(properties.getShutdown().getAwaitTermination()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(properties.getMetrics().isPercentilesHistogram()).isTrue();
                    assertThat(properties.isPropagateContext()).isFalse();
                    assertThat(properties.getObservation().isTasks()).isTrue();
                });
    }

    @Test
    void progressModesBind() {
        // metrics needs a MeterRegistry: see ParallelizedAutoConfigurationTests
        for (ParallelizedProperties.ProgressMode mode : List.of(ParallelizedProperties.ProgressMode.LOG,
                ParallelizedProperties.ProgressMode.CONSOLE, ParallelizedProperties.ProgressMode.NONE)) {
            runner.withPropertyValues("parallelized.progress=" + mode.name().toLowerCase())
                    .run(context -> assertThat(context.getBean(ParallelizedProperties.class).getProgress())
                            .isEqualTo(mode));
        }
    }

    @Test
    void numThreadsAtTheCoresLimitStartsAndTheBuilderTakesIt() {
        runner.withPropertyValues("parallelized.num-threads=" + io.github.parallelized.Parallelized.MAX_THREADS,
                "parallelized.pool=per-run").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ParallelizedProperties.class).getNumThreads())
                    .isEqualTo(io.github.parallelized.Parallelized.MAX_THREADS);
            // the preset builder is what the core would refuse above the limit: here it is taken
            assertThat(context.getBean(ParallelizedFactory.class).of(x -> x, List.of(1))).isNotNull();
        });
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "num-threads|0|a whole number of at least 1",
        "num-threads|-3|a whole number of at least 1",
        "num-threads|lots|a whole number of at least 1",
        "virtual-threads|maybe|true or false",
        "max-in-flight|0|a whole number of at least 1",
        "thread-name-prefix|'  '|a text that is not blank",
        "progress|fancy|one of metrics, log, console, none",
        "task-timeout|0s|a duration of more than zero",
        "task-timeout|-1s|a duration of more than zero",
        "task-timeout|soon|a duration of more than zero",
        "pool|global|one of shared, per-run",
        "retry.max-attempts|0|a whole number of at least 1",
        "retry.backoff|-5ms|a duration of zero or more",
        "metrics.retention|-1m|a duration of zero or more",
        "metrics.max-batches|0|a whole number of at least 1",
        "shutdown.await-termination|-30s|a duration of zero or more",
        "num-threads|2147483647|at most 10000",
        "num-threads|10001|at most 10000",
        "task-timeout|106752d|at most 36500d",
        "shutdown.await-termination|106752d|at most 36500d",
        "metrics.retention|106752d|at most 36500d",
        "retry.backoff|36501d|at most 36500d",
        "metrics.max-batches|2147483647|at most 100000",
        "propagate-context|perhaps|true or false",
        "observation.tasks|sometimes|true or false",
        "metrics.percentiles-histogram|yes please|true or false",
        "metrics.histogram-buckets|0s|1 to 23 durations of more than zero",
        "metrics.histogram-buckets|'1ms,2ms,3ms,4ms,5ms,6ms,7ms,8ms,9ms,10ms,11ms,12ms,13ms,14ms,15ms,16ms,17ms,18ms,19ms,20ms,21ms,22ms,23ms,24ms'|at most 60 series per batch tag"})
    void badValueStopsStartUpNamingPropertyValueAndWhatIsAllowed(String name, String value, String allowed) {
        String property = "parallelized." + name;
        runner.withPropertyValues(property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PropertiesFailureAnalyzer(new MockEnvironment().withProperty(property, value))
                    .analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription())
                    .contains("'" + property + "'")
                    .contains("'" + value + "'")
                    .contains(allowed);
            assertThat(analysis.getAction()).contains(property).contains(allowed);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "parallelized.num-thread|parallelized.num-threads",
        "parallelized.retry.max-atempts|parallelized.retry.max-attempts",
        "parallelized.metric.retention|parallelized.metrics.retention",
        "parallelized.shutdown.await|parallelized.shutdown.await-termination"})
    void unknownKeyStopsStartUpNamingItAndTheNearestValidOne(String typo, String nearest) {
        runner.withPropertyValues(typo + "=4").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new PropertiesFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("Unknown property '" + typo + "'")
                    .contains("did you mean '" + nearest + "'");
            assertThat(analysis.getAction()).contains("Rename '" + typo + "' to '" + nearest + "'");
        });
    }

    @Test
    void relaxedFormsOfKnownKeysAreKnown() {
        runner.withPropertyValues("parallelized.numThreads=3", "parallelized.retry.max_attempts=2",
                "parallelized.metrics.percentilesHistogram=true").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ParallelizedProperties.class).getNumThreads()).isEqualTo(3);
                });
    }

    @Test
    void keysThatAnotherModuleDeclaresInItsMetadataAreKnown() throws Exception {
        MockEnvironment environment = new MockEnvironment().withProperty("parallelized.cluster.name", "blue")
                .withProperty("parallelized.cluster.members[0]", "10.0.0.1");
        ClassLoader starterOnly = getClass().getClassLoader();
        assertThatThrownBy(() -> new UnknownProperties(environment, starterOnly))
                .isInstanceOf(UnknownProperties.UnknownPropertyException.class)
                .hasMessageContaining("parallelized.cluster.name");
        try (java.net.URLClassLoader withOtherModule = new java.net.URLClassLoader(
                new java.net.URL[] {getClass().getResource("/other-module/")}, starterOnly)) {
            new UnknownProperties(environment, withOtherModule);
        }
    }

    @Test
    void everyKnownKeyIsInTheMetadataAndTheOtherWayRound() throws Exception {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        metadata = metadata.substring(metadata.indexOf("\"properties\""));
        java.util.Set<String> named = new java.util.TreeSet<>();
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("\"name\": \"(parallelized\\.[^\"]+)\"")
                .matcher(metadata);
        while (names.find()) {
            named.add(names.group(1));
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(Check.ALLOWED.keySet());
    }

    @Test
    void everyPropertyHasItsDefaultInTheMetadataOrSaysHowItIsComputed() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = JsonMapper.builder().build().readTree(in);
        }
        List<String> withoutEither = new java.util.ArrayList<>();
        for (JsonNode property : metadata.path("properties")) {
            String name = property.path("name").asString();
            if (name.startsWith("parallelized.") && !property.has("defaultValue")
                    && !property.path("description").asString().contains("Default: ")) {
                withoutEither.add(name);
            }
        }
        assertThat(withoutEither).as("properties with neither a default nor how it is computed").isEmpty();
    }

    @Test
    void analyzerLeavesOtherFailuresAlone() {
        assertThat(new PropertiesFailureAnalyzer(null).analyze(new IllegalStateException("not ours"))).isNull();
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void realStartUpPrintsTheAnalysis(CapturedOutput output) {
        SpringApplication application = new SpringApplication(MinimalApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run("--parallelized.shutdown.await-termination=-30s",
                "--spring.main.banner-mode=off")).isInstanceOf(RuntimeException.class);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Invalid value '-30s' for property 'parallelized.shutdown.await-termination'")
                .contains("a duration of zero or more");
    }

    @Test
    void configurationMetadataIsGeneratedWithDescriptionsAndDefaults() throws Exception {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("spring-boot-configuration-processor output").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String name : Check.ALLOWED.keySet()) {
            assertThat(metadata).contains("\"name\": \"" + name + "\"");
        }
        assertThat(metadata).contains("How long the closing application context waits")
                .contains("\"defaultValue\": \"30s\"")
                .contains("\"defaultValue\": \"parallelized-\"");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ParallelizedAutoConfiguration.class)
    static class MinimalApplication {
    }
}
