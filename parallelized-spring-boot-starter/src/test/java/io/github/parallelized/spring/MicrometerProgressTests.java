package io.github.parallelized.spring;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MicrometerProgressTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                    ParallelizedMetricsAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("parallelized.num-threads=2");

    @Test
    void gaugesMoveDuringTheRunAndTimerRecordsEveryTask() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Gate gate = new Gate();
            // 0, 1, 2 succeed, 3 fails, 4 and up wait at the gate: both threads end up held by 4 and 5
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                if (i == 3) {
                    throw new IllegalStateException("boom");
                }
                if (i >= 4) {
                    gate.pass();
                }
                return i;
            }, IntStream.range(0, 10).boxed().toList()).desc("live").start();
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(tasks(meters, "live", "succeeded")).isEqualTo(3.0);
                assertThat(tasks(meters, "live", "failed")).isEqualTo(1.0);
                assertThat(tasks(meters, "live", "running")).isEqualTo(2.0);
            });
            assertThat(tasks(meters, "live", "pending")).isEqualTo(4.0);
            assertThat(tasks(meters, "live", "cancelled")).isEqualTo(0.0);
            assertThat(progress(meters, "live")).isEqualTo(0.4);
            assertThat(active(meters)).isEqualTo(1.0);

            gate.open();
            List<Outcome<Integer, Integer>> outcomes = Gate.drain(run);
            assertThat(outcomes).hasSize(10);
            assertThat(tasks(meters, "live", "succeeded")).isEqualTo(9.0);
            assertThat(tasks(meters, "live", "failed")).isEqualTo(1.0);
            assertThat(tasks(meters, "live", "running")).isEqualTo(0.0);
            assertThat(tasks(meters, "live", "pending")).isEqualTo(0.0);
            assertThat(progress(meters, "live")).isEqualTo(1.0);
            assertThat(timer(meters, "live", "success").count()).isEqualTo(9);
            assertThat(timer(meters, "live", "failure").count()).isEqualTo(1);
            assertThat(active(meters)).isEqualTo(0.0);
        });
    }

    @Test
    void descsThatAreNotWellFormedUnicodeMakeOneSeriesEachInPrometheus() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedMetricsAutoConfiguration.class))
                .withBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class,
                () -> new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
                .withPropertyValues("parallelized.metrics.percentiles-histogram=true").run(context -> {
                    var prometheus = context.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class);
                    ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
                    for (String desc : List.of("\uD800", "\uD801", "a\nb", "a\rb")) {
                        Gate.drain(factory.of(i -> i, List.of(1, 2)).desc(desc).start());
                    }
                    String scrape = prometheus.scrape();
                    List<String> series = scrape.lines().filter(line -> line.startsWith("parallelized_tasks{"))
                            .map(line -> line.substring(0, line.lastIndexOf(' '))).toList();
                    assertThat(series).doesNotHaveDuplicates().hasSize(2 * 5);
                    assertThat(scrape).contains("parallelized_tasks{batch=\"\uFFFD\",state=\"succeeded\"} 4")
                            .contains("parallelized_tasks{batch=\"a\uFFFDb\",state=\"succeeded\"} 4")
                            .contains("parallelized_task_duration_seconds_bucket{batch=\"\uFFFD\"");
                });
    }

    /** The budget the metrics guide states: at most 60 series per batch tag with the histogram on, by default. */
    @Test
    void aBatchTagCostsAtMost60SeriesInAScrapeWithTheHistogramOn() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedMetricsAutoConfiguration.class))
                .withBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class,
                () -> new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))
                .withPropertyValues("parallelized.metrics.percentiles-histogram=true").run(context -> {
                    var prometheus = context.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class);
                    ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
                    for (int batch = 0; batch < 3; batch++) {
                        Gate.drain(factory.<Integer, Integer>of(i -> {
                            if (i % 3 == 0) {
                                throw new IllegalStateException("a failure, so that both outcomes have series");
                            }
                            return i;
                        }, IntStream.range(0, 30).boxed().toList()).desc("batch-" + batch).start());
                    }
                    List<String> series = prometheus.scrape().lines()
                            .filter(line -> line.startsWith("parallelized_") && line.contains("batch=\"batch-1\""))
                            .toList();
                    System.out.println("series of one batch tag in a scrape: " + series.size());
                    assertThat(series).hasSizeLessThanOrEqualTo(60)
                            .anyMatch(line -> line.startsWith("parallelized_task_duration_seconds_bucket{"));
                    assertThat(prometheus.scrape()).contains("le=\"0.001\"").contains("le=\"300.0\"");
                });
    }

    /**
     * With observations (any application with Actuator has an {@code ObservationRegistry} whose handler makes timers),
     * the runs' observation {@code parallelized.run} adds series per batch tag that the guide's budget of 60 left out:
     * its long-task timer (3) and its timer per end state and error (3 each). At the most buckets (23), one tag cost 66
     * series, not "at most 60"; the guide now counts them.
     */
    @Test
    void theRunObservationsTimersAddTheirSeriesToABatchTagsBudget() {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        io.micrometer.observation.ObservationRegistry observations = io.micrometer.observation.ObservationRegistry.create();
        observations.observationConfig().observationHandler(
                new io.micrometer.core.instrument.observation.DefaultMeterObservationHandler(prometheus));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedMetricsAutoConfiguration.class, ParallelizedObservationAutoConfiguration.class))
                .withBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class, () -> prometheus)
                .withBean(io.micrometer.observation.ObservationRegistry.class, () -> observations)
                .withPropertyValues("parallelized.metrics.percentiles-histogram=true",
                        "parallelized.metrics.histogram-buckets=" + String.join(",", IntStream.rangeClosed(1, 23)
                                .mapToObj(ms -> ms + "ms").toList()))
                .run(context -> {
                    ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
                    Gate.drain(factory.<Integer, Integer>of(i -> {
                        if (i % 3 == 0) {
                            throw new IllegalStateException("a failure, so that both outcomes have series");
                        }
                        return i;
                    }, IntStream.range(0, 30).boxed().toList()).desc("observed").start());
                    Parallelized<Integer, Integer> cancelled = factory.<Integer, Integer>of(i -> i,
                            IntStream.range(0, 30).boxed().toList()).desc("observed").start();
                    cancelled.cancel();
                    Gate.drain(cancelled);
                    List<String> series = prometheus.scrape().lines()
                            .filter(line -> line.startsWith("parallelized_") && line.contains("batch=\"observed\""))
                            .toList();
                    List<String> observation = series.stream().filter(line -> line.startsWith("parallelized_run_"))
                            .toList();
                    long ends = observation.stream().filter(line -> line.startsWith("parallelized_run_seconds_count"))
                            .count();
                    assertThat(ends).as("%s", observation).isEqualTo(2);   // COMPLETED and CANCELLED, error none
                    assertThat(observation).as("the observation's series").hasSize(3 + 3 * 2);
                    assertThat(series.size() - observation.size()).as("the starter's own meters' series")
                            .isEqualTo(60);
                });
    }

    @Test
    void runsWithTheSameDescAddUp() {
        runner.withPropertyValues("parallelized.pool=per-run").run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            Gate gate = new Gate();
            Parallelized<Integer, Integer> first = factory.<Integer, Integer>of(i -> {
                gate.pass();
                return i;
            }, IntStream.range(0, 5).boxed().toList()).desc("same").start();
            Parallelized<Integer, Integer> second = factory.<Integer, Integer>of(i -> {
                gate.pass();
                return i;
            }, IntStream.range(0, 5).boxed().toList()).desc("same").start();
            await().atMost(10, TimeUnit.SECONDS)
                    .untilAsserted(() -> assertThat(tasks(meters, "same", "running")).isEqualTo(4.0));
            assertThat(tasks(meters, "same", "pending")).isEqualTo(6.0);
            assertThat(active(meters)).isEqualTo(2.0);
            assertThat(meters.find("parallelized.tasks").tag("state", "running").gauges()).hasSize(1);
            gate.open();
            Gate.drain(first);
            Gate.drain(second);
            assertThat(tasks(meters, "same", "succeeded")).isEqualTo(10.0);
            assertThat(timer(meters, "same", "success").count()).isEqualTo(10);
        });
    }

    @Test
    void finishedRunStaysForTheRetentionThenItsMetersGo() {
        runner.withPropertyValues("parallelized.metrics.retention=200ms").run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1, 2, 3)).desc("kept").start());
            // right after the end a scrape still sees it
            assertThat(tasks(meters, "kept", "succeeded")).isEqualTo(3.0);
            await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(meters.find("parallelized.tasks").tag("batch", "kept").gauges()).isEmpty();
                assertThat(meters.find("parallelized.progress").tag("batch", "kept").gauges()).isEmpty();
                assertThat(meters.find("parallelized.task.duration").tag("batch", "kept").timers()).isEmpty();
            });
            assertThat(meters.find("parallelized.batches.active").gauge()).isNotNull();
        });
    }

    @Test
    void zeroRetentionRemovesTheMetersAtTheEnd() {
        runner.withPropertyValues("parallelized.metrics.retention=0s").run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1)).desc("gone").start());
            assertThat(meters.find("parallelized.tasks").tag("batch", "gone").gauges()).isEmpty();
        });
    }

    @Test
    void descsPastMaxBatchesShareTheTagOther() {
        runner.withPropertyValues("parallelized.metrics.max-batches=2").run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            ParallelizedFactory factory = context.getBean(ParallelizedFactory.class);
            for (String desc : List.of("a", "b", "c", "d", "a")) {
                Gate.drain(factory.of(i -> i, List.of(1)).desc(desc).start());
            }
            assertThat(meters.find("parallelized.tasks").tag("state", "succeeded").gauges())
                    .extracting(g -> g.getId().getTag("batch")).containsExactlyInAnyOrder("a", "b", "other");
            assertThat(tasks(meters, "a", "succeeded")).isEqualTo(2.0);
            assertThat(tasks(meters, "other", "succeeded")).isEqualTo(2.0);
        });
    }

    @Test
    void progressIsUnknownWhileTheTotalIs() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Gate gate = new Gate();
            Parallelized<Integer, Integer> run = context.getBean(ParallelizedFactory.class).<Integer, Integer>of(i -> {
                gate.pass();
                return i;
            }, IntStream.range(0, 4).iterator()).desc("unsized").start();
            assertThat(progress(meters, "unsized")).isNaN();
            gate.open();
            Gate.drain(run);
            assertThat(progress(meters, "unsized")).isEqualTo(1.0);
        });
    }

    @Test
    void closingTheContextRemovesTheMeters() {
        MeterRegistry shared = new SimpleMeterRegistry();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParallelizedAutoConfiguration.class,
                        ParallelizedMetricsAutoConfiguration.class))
                .withBean(MeterRegistry.class, () -> shared)
                .run(context -> Gate.drain(context.getBean(ParallelizedFactory.class).of(i -> i, List.of(1))
                        .desc("closing").start()));
        assertThat(shared.find("parallelized.tasks").gauges()).isEmpty();
        assertThat(shared.find("parallelized.batches.active").gauges()).isEmpty();
    }

    static double tasks(MeterRegistry meters, String batch, String state) {
        Gauge gauge = meters.find("parallelized.tasks").tags("batch", batch, "state", state).gauge();
        assertThat(gauge).as("parallelized.tasks{batch=%s,state=%s}", batch, state).isNotNull();
        return gauge.value();
    }

    private static double progress(MeterRegistry meters, String batch) {
        Gauge gauge = meters.find("parallelized.progress").tags("batch", batch).gauge();
        assertThat(gauge).isNotNull();
        return gauge.value();
    }

    private static Timer timer(MeterRegistry meters, String batch, String outcome) {
        Timer timer = meters.find("parallelized.task.duration").tags("batch", batch, "outcome", outcome).timer();
        assertThat(timer).isNotNull();
        return timer;
    }

    private static double active(MeterRegistry meters) {
        return meters.get("parallelized.batches.active").gauge().value();
    }
}
