package io.github.parallelized.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskFunction;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@link ParallelizedFactory#ofAsync}: preset like {@code of}, without the shared pool. */
class AsyncFactoryTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedMetricsAutoConfiguration.class, ParallelizedEndpointAutoConfiguration.class))
            .withPropertyValues("parallelized.num-threads=2", "parallelized.retry.max-attempts=2");

    @Test
    void anAsynchronousRunIsPresetRegisteredAndSeesTheRunsContext() {
        runner.run(context -> {
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            Map<Integer, String> runIds = new ConcurrentHashMap<>();
            Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
            Parallelized<Integer, Integer> run = factory.<Integer, Integer>ofAsync(x -> {
                runIds.put(x, String.valueOf(MDC.get(ParallelizedFactory.MDC_RUN_ID)));
                if (x == 7 && attempts.merge(x, 1, Integer::sum) == 1) {
                    return CompletableFuture.failedFuture(new java.io.IOException("once"));
                }
                return CompletableFuture.completedFuture(x * 2);
            }, IntStream.range(0, 100).boxed().toList()).numThreads(50).desc("async").start();
            // more in flight than the shared pool's 2 threads: the pool does not apply
            assertThat(context.getBean(ParallelizedRuns.class).find(run.id())).isPresent();
            List<Outcome<Integer, Integer>> outcomes = Gate.drain(run);
            assertThat(outcomes).hasSize(100).allMatch(Outcome::isSuccess)
                    .allSatisfy(o -> assertThat(o.result()).isEqualTo(o.input() * 2));
            assertThat(outcomes.stream().filter(o -> o.input() == 7).findFirst().orElseThrow().attempts())
                    .as("parallelized.retry.max-attempts applies").isEqualTo(2);
            assertThat(runIds.values()).containsOnly(run.id());
        });
    }

    @Test
    void aStreamSourceWorksToo() {
        runner.run(context -> {
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            List<Outcome<String, Integer>> outcomes = Gate.drain(factory.<String, Integer>ofAsync(
                    s -> CompletableFuture.completedFuture(s.length()), Stream.of("a", "bb", "ccc")).start());
            assertThat(outcomes).extracting(Outcome::result).containsExactlyInAnyOrder(1, 2, 3);
        });
    }

    @Test
    void aFactoryWrittenBeforeOfAsyncRefusesIt() {
        ParallelizedFactory old = new ParallelizedFactory() {
            @Override
            public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> fn, Iterable<? extends I> t) {
                return Parallelized.of(fn, t);
            }

            @Override
            public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> fn,
                                                        java.util.Iterator<? extends I> t) {
                return Parallelized.of(fn, t);
            }

            @Override
            public <I, R> Parallelized.Builder<I, R> of(TaskFunction<? super I, ? extends R> fn, Stream<? extends I> t) {
                return Parallelized.of(fn, t);
            }
        };
        assertThatThrownBy(() -> old.ofAsync(x -> CompletableFuture.completedFuture(x), List.of(1)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("asynchronous");
    }
}
