package io.github.parallelized.spring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ParallelizedEndpointTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedEndpointAutoConfiguration.class, EndpointAutoConfiguration.class))
            .withPropertyValues("parallelized.num-threads=2", "parallelized.progress=none");

    @Test
    void notAvailableUnlessExposed() {
        runner.run(context -> assertThat(context).doesNotHaveBean(ParallelizedEndpoint.class));
    }

    @Test
    void availableWhenExposedOverTheWeb() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=parallelized")
                .run(context -> assertThat(context).hasSingleBean(ParallelizedEndpoint.class));
    }

    @Test
    void notAvailableWhenAccessIsNone() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=parallelized",
                "management.endpoint.parallelized.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(ParallelizedEndpoint.class));
    }

    @Test
    void backsOffWithoutActuator() {
        // without Actuator there is no EndpointAutoConfiguration either
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=parallelized")
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ParallelizedEndpoint.class));
    }

    @Test
    void listsLiveRunsFirstThenFinishedOnesAndCancelsById() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=parallelized").run(context -> {
            ParallelizedEndpoint endpoint = context.getBean(ParallelizedEndpoint.class);
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            Parallelized<Integer, Integer> done = factory.<Integer, Integer>of(i -> i, List.of(1, 2)).desc("done").start();
            Gate.drain(done);
            Gate never = new Gate();
            Parallelized<Integer, Integer> live = factory.<Integer, Integer>of(i -> {
                never.pass();
                return i;
            }, IntStream.range(0, 5).boxed().toList()).desc("live").start();
            CompletableFuture<Gate.Accounted<Integer, Integer>> outcomes = Gate.consumeAll(live);
            live.progress().setPostfix(Map.of("status", "x"));

            assertThat(endpoint.runs().getRuns()).extracting(RunDescriptor::getDesc).containsExactly("live", "done");
            RunDescriptor running = endpoint.run(live.id());
            assertThat(running.getState()).isEqualTo("RUNNING");
            assertThat(running.getTotal()).isEqualTo(5);
            assertThat(running.getPostfix()).containsEntry("status", "x");
            RunDescriptor finished = endpoint.run(done.id());
            assertThat(finished.getState()).isEqualTo("COMPLETED");
            assertThat(finished.getSucceeded()).isEqualTo(2);
            assertThat(finished.getFraction()).contains(1.0);
            assertThat(finished.getEtaSeconds()).contains(0.0);
            assertThat(endpoint.run("no-such-run")).isNull();
            assertThat(endpoint.cancel("no-such-run")).isNull();

            assertThat(endpoint.cancel(live.id()).getId()).isEqualTo(live.id());
            Gate.Accounted<Integer, Integer> accounted = outcomes.get(10, TimeUnit.SECONDS);
            assertThat(accounted.outcomes()).allMatch(Outcome::isCancelled);
            assertThat(accounted.size()).as("outcomes plus the unread rest").isEqualTo(5);
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(endpoint.run(live.id()).getState()).isEqualTo("CANCELLED"));
        });
    }

    @Test
    void finishedRunsLeaveAfterTheRetention() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=parallelized",
                "parallelized.metrics.retention=0s").run(context -> {
                    ParallelizedEndpoint endpoint = context.getBean(ParallelizedEndpoint.class);
                    Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class)
                            .<Integer, Integer>of(i -> i, List.of(1)).start();
                    assertThat(endpoint.run(run.id())).isNotNull();
                    Gate.drain(run);
                    assertThat(endpoint.run(run.id())).isNull();
                    assertThat(endpoint.runs().getRuns()).isEmpty();
                });
    }

    @Test
    void unknownTotalGivesNullFractionAndEta() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=parallelized").run(context -> {
            Gate gate = new Gate();
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                gate.pass();
                return i;
            }, IntStream.range(0, 3).iterator()).start();
            RunDescriptor descriptor = context.getBean(ParallelizedEndpoint.class).run(run.id());
            assertThat(descriptor.getTotal()).isEqualTo(-1);
            assertThat(descriptor.getFraction()).isEmpty();
            assertThat(descriptor.getEtaSeconds()).isEmpty();
            gate.open();
            Gate.drain(run);
        });
    }
}
