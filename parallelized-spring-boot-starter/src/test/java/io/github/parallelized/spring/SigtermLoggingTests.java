package io.github.parallelized.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring Boot application ended by SIGTERM (what {@code kill}, Docker and Kubernetes send; Ctrl+C is the same path)
 * while a run with {@code parallelized.progress=log} goes on and then ends within
 * {@code parallelized.shutdown.await-termination}. The core logs through the JDK's {@code System.Logger}, which Spring
 * Boot bridges from java.util.logging into SLF4J; at the JVM's shutdown the JDK's LogManager resets java.util.logging
 * in a shutdown hook of its own, at the same time as Spring's graceful shutdown begins, and removed the bridge: every
 * line of the core during the grace (the run's progress, its summary, its warnings) was lost without a word.
 */
class SigtermLoggingTests {

    private static final Duration BOUND = Duration.ofSeconds(90);
    private static final String FIRST = "first outcome taken";

    @TempDir
    Path dir;

    @Test
    void aRunThatEndsInTheGraceOfASigtermStillLogsItsSummary() throws Exception {
        Path output = dir.resolve("application.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process application = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Application.class.getName())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            await("the run's first outcome").atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(application.isAlive()).as("the application ended: %s", read(output)).isTrue();
                return read(output).contains(FIRST);
            });

            application.destroy(); // SIGTERM
            assertThat(application.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the application stopped").isTrue();
            String log = read(output);
            assertThat(log).as(log).doesNotContain("cancelling it")
                    .contains("[run 1] through a shutdown: 6 succeeded, 0 failed, 0 cancelled in");
        } finally {
            application.destroyForcibly();
            application.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String read(Path output) throws IOException {
        return Files.readString(output);
    }

    /**
     * The application: a run of six inputs; the first ends at once, the others wait until the application's
     * shutdown has begun (the registry of runs takes no more runs) and the JDK's LogManager has reset
     * java.util.logging, so that the run ends, and logs its summary, after both.
     */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ParallelizedAutoConfiguration.class)
    static class Application {

        public static void main(String[] args) {
            ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
                    .web(WebApplicationType.NONE)
                    .run("--parallelized.progress=log", "--parallelized.num-threads=2",
                            "--parallelized.shutdown.await-termination=60s", "--spring.main.banner-mode=off");
            RunRegistry registry = context.getBean(RunRegistry.class);
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                if (i > 0) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!(registry.isShuttingDown() && cleanerDone())
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                return i;
            }, IntStream.range(0, 6).boxed().toList()).desc("through a shutdown").start();
            Thread consumer = new Thread(() -> {
                try (run) {
                    for (Outcome<Integer, Integer> outcome : run) {
                        if (outcome.input() == 0) {
                            System.out.println(FIRST);
                        }
                    }
                }
            }, "consumer");
            consumer.start();
        }
    }

    /** Whether the JDK's LogManager is done with its reset at the JVM's shutdown: its hook thread is not alive. */
    static boolean cleanerDone() {
        return Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getClass().getName().equals("java.util.logging.LogManager$Cleaner"));
    }
}
