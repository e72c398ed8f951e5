package io.github.parallelized.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Summary;
import io.github.parallelized.TaskLimit;
import io.github.parallelized.spring.ClusterTask;
import io.github.parallelized.spring.ParallelizedAutoConfiguration;
import io.github.parallelized.spring.ParallelizedCheckpointAutoConfiguration;
import io.github.parallelized.spring.ParallelizedCheckpointProperties;
import io.github.parallelized.spring.ParallelizedLimits;
import io.github.parallelized.spring.ParallelizedLimitsAutoConfiguration;
import io.github.parallelized.spring.ParallelizedProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** Runs the Spring examples of the README and the guides (DocSnippetsTest in the core checks they are shown as they are). */
class SpringExamplesTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class))
            .withBean(Thumbnails.class);

    @Test
    void theQuickStartServiceRendersEveryImage(@TempDir Path dir) throws Exception {
        List<Path> images = List.of(Files.writeString(dir.resolve("a.png"), "a"), Files.writeString(dir.resolve("b.png"), "b"));
        runner.run(context -> {
            context.getBean(Thumbnails.class).renderAll(images);
            assertThat(dir.resolve("thumb-a.png")).hasContent("a");
            assertThat(dir.resolve("thumb-b.png")).hasContent("b");
        });
    }

    @Test
    void theReadmesApplicationYamlBinds() throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("readme", new ClassPathResource("examples/application.yml"));
        runner.withInitializer(context -> yaml.forEach(context.getEnvironment().getPropertySources()::addFirst))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ParallelizedProperties properties = context.getBean(ParallelizedProperties.class);
                    assertThat(properties.getNumThreads()).isEqualTo(8);
                    assertThat(properties.getTaskTimeout()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(properties.getRetry().getMaxAttempts()).isEqualTo(3);
                    assertThat(properties.getRetry().getBackoff()).isEqualTo(Duration.ofMillis(200));
                    assertThat(context.getEnvironment().getProperty("management.endpoints.web.exposure.include"))
                            .isEqualTo("health, prometheus, parallelized");
                });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClusterTaskBeanRendersByName(@TempDir Path dir) throws Exception {
        Path image = Files.writeString(dir.resolve("c.png"), "c");
        runner.withUserConfiguration(ThumbnailTasks.class).run(context -> {
            ClusterTask<Path, Path> task = context.getBean(ClusterTask.class);
            assertThat(task.name()).isEqualTo("thumbnail");
            assertThat(task.function().apply(image)).hasContent("c");
        });
    }

    @Test
    void theNamedLimitsOfTheLimitsGuideAreTaskLimitBeansThatTheServiceApplies() throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("limits", new ClassPathResource("examples/application.yml"));
        runner.withConfiguration(AutoConfigurations.of(ParallelizedLimitsAutoConfiguration.class))
                .withPropertyValues("parallelized.progress=none")
                .withInitializer(context -> yaml.forEach(context.getEnvironment().getPropertySources()::addFirst))
                .withBean(Completions.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ParallelizedLimits limits = context.getBean(ParallelizedLimits.class);
                    assertThat(limits.names()).containsExactlyInAnyOrder("openai", "geocoder");
                    TaskLimit openai = limits.get("openai");
                    assertThat(openai).hasToString("TaskLimit[concurrency 8 and rate 20 per 1.0 s]")
                            .isSameAs(context.getBean("parallelized.limits.openai", TaskLimit.class))
                            .isSameAs(BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(),
                                    TaskLimit.class, "openai"));
                    assertThat(limits.get("geocoder")).hasToString("TaskLimit[rate 5 per 1.0 s]")
                            .isSameAs(context.getBean("parallelized.limits.geocoder", TaskLimit.class));

                    List<String> prompts = IntStream.range(0, 25).mapToObj(i -> "prompt " + i)
                            .collect(Collectors.toList());
                    long before = System.nanoTime();
                    Map<String, String> answers = context.getBean(Completions.class).completeAll(prompts);
                    long took = System.nanoTime() - before;
                    assertThat(answers).hasSize(25).containsEntry("prompt 3", "answer to prompt 3");
                    assertThat(took).as("25 starts under 20 a second: the 21st waits for the first one's window")
                            .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
                    assertThat(openai.inUse()).isZero();
                });
    }

    @Test
    void theResumeGuidesRunSkipsWhatSucceededWhenTheServiceStartsAgain(@TempDir Path dir) throws Exception {
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader()
                .load("resume", new ClassPathResource("examples/application.yml"));
        PropertySource<?> resume = yaml.stream().filter(s -> s.containsProperty("parallelized.checkpoint.enabled"))
                .findFirst().orElseThrow();
        assertThat(resume.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:h2:file:./data/checkpoints;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        String url = "jdbc:h2:file:" + dir.resolve("checkpoints")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";   // the same, in a temp dir
        ApplicationContextRunner service = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        ParallelizedCheckpointAutoConfiguration.class, ParallelizedAutoConfiguration.class))
                .withPropertyValues("parallelized.progress=none")
                .withInitializer(context -> {
                    yaml.forEach(context.getEnvironment().getPropertySources()::addFirst);
                    context.getEnvironment().getPropertySources()
                            .addFirst(new MapPropertySource("temp-dir", Map.of("spring.datasource.url", url)));
                })
                .withBean(NightlyImport.class);
        List<NightlyImport.Item> items = IntStream.range(0, 10).mapToObj(i -> new NightlyImport.Item("item-" + i))
                .collect(Collectors.toList());

        service.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CheckpointStore.class);
            ParallelizedCheckpointProperties properties = context.getBean(ParallelizedCheckpointProperties.class);
            assertThat(properties.isEnabled()).isTrue();
            assertThat(properties.getInitializeSchema())
                    .isEqualTo(ParallelizedCheckpointProperties.InitializeSchema.ALWAYS);
            NightlyImport nightly = context.getBean(NightlyImport.class);
            nightly.broken.put("item-3", true);
            Summary first = nightly.importAll(items);
            assertThat(first.succeeded()).isEqualTo(9);
            assertThat(first.failed()).isEqualTo(1);
            assertThat(first.skipped()).isZero();
        });
        service.run(context -> {                           // the service started again, on the same database
            NightlyImport nightly = context.getBean(NightlyImport.class);
            Summary again = nightly.importAll(items);
            assertThat(again.skipped()).isEqualTo(9);
            assertThat(again.succeeded()).isEqualTo(1);
            assertThat(again.failed()).isZero();
            assertThat(nightly.calls).containsOnlyKeys("item-3");
            CheckpointStore store = context.getBean(CheckpointStore.class);
            assertThat(store.succeeded("nightly-import")).isEqualTo(10);
            assertThat(store.failedCount("nightly-import")).isZero();
        });
    }
}
