package io.github.parallelized.spring;

import java.util.List;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HealthAndPoolMetersTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedMetricsAutoConfiguration.class, ParallelizedEndpointAutoConfiguration.class))
            .withPropertyValues("parallelized.num-threads=3", "parallelized.progress=none");

    @Test
    void healthIsUpWithTheSharedLimitAndItsUseAndStaysUpWhenBusy() {
        runner.run(context -> {
            ParallelizedHealthIndicator health = context.getBean(ParallelizedHealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("activeRuns", 0).containsEntry("sharedLimit", 3)
                    .containsEntry("pool", "shared");
            Gate gate = new Gate();
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                gate.pass();
                return i;
            }, IntStream.range(0, 10).boxed().toList()).start();
            var outcomes = Gate.consume(run);
            try {
                // every thread of the pool busy: still UP, with the figures
                await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> assertThat(health.health().getDetails())
                        .containsEntry("sharedInUse", 3).containsEntry("runningTasks", 3L));
                Health busy = health.health();
                assertThat(busy.getStatus()).isEqualTo(Status.UP);
                assertThat(busy.getDetails()).containsEntry("activeRuns", 1);
            } finally {
                gate.open();
            }
            assertThat(outcomes.get(10, TimeUnit.SECONDS)).hasSize(10);
        });
    }

    @Test
    void healthIsDownWhenTheSharedPoolStoppedWhileTheApplicationRuns() {
        runner.run(context -> {
            context.getBean(SharedPool.class).executor().shutdown();
            Health health = context.getBean(ParallelizedHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("reason").toString()).contains("shared pool has stopped");
        });
    }

    @Test
    void healthOfPerRunPoolsHasNoSharedFigures() {
        runner.withPropertyValues("parallelized.pool=per-run").run(context -> assertThat(
                context.getBean(ParallelizedHealthIndicator.class).health().getDetails())
                .containsEntry("pool", "per-run").doesNotContainKey("sharedLimit"));
    }

    @Test
    void healthContributorCanBeSwitchedOffAndNeedsSpringBootHealth() {
        runner.withPropertyValues("management.health.parallelized.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ParallelizedHealthIndicator.class));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ParallelizedHealthIndicator.class));
    }

    @Test
    void theSharedPoolHasExecutorMetersLikeSpringBootsExecutors() {
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            List<Outcome<Integer, Integer>> outcomes = Gate.drain(context.getBean(ParallelizedFactory.class)
                    .<Integer, Integer>of(i -> i, IntStream.range(0, 20).boxed().toList()).start());
            assertThat(outcomes).hasSize(20);
            assertThat(meters.get("executor.pool.max").tag("name", SharedPoolMeters.NAME).gauge().value()).isEqualTo(3.0);
            assertThat(meters.get("executor.active").tag("name", SharedPoolMeters.NAME).gauge()).isNotNull();
            assertThat(meters.get("executor.completed").tag("name", SharedPoolMeters.NAME).functionCounter().count())
                    .isPositive();
        });
        runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("parallelized.pool=per-run")
                .run(context -> assertThat(context).doesNotHaveBean(SharedPoolMeters.class));
    }

}
