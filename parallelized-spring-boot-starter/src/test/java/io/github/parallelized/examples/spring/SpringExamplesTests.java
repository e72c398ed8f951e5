package io.github.parallelized.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.parallelized.spring.ClusterTask;
import io.github.parallelized.spring.ParallelizedAutoConfiguration;
import io.github.parallelized.spring.ParallelizedProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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
}
