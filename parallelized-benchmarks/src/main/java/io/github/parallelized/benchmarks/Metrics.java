package io.github.parallelized.benchmarks;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Summary;
import io.github.parallelized.spring.ParallelizedAutoConfiguration;
import io.github.parallelized.spring.ParallelizedMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The starter's Micrometer progress on a {@link SimpleMeterRegistry}, built by the starter's own
 * auto-configurations in a minimal Spring context, the way an application gets it: the meters read their figures
 * from the starter's registry of runs, so a run listens to both; one for the whole JVM.
 */
final class Metrics {

    private static AnnotationConfigApplicationContext context;
    private static ProgressReporter reporter;

    private Metrics() {
    }

    static synchronized ProgressReporter reporter() {
        if (reporter == null) {
            context = new AnnotationConfigApplicationContext();
            context.registerBean(MeterRegistry.class, SimpleMeterRegistry::new);
            context.register(ParallelizedAutoConfiguration.class, ParallelizedMetricsAutoConfiguration.class);
            context.refresh();
            reporter = both(context.getBean("parallelizedRunRegistry", ProgressReporter.class),
                    context.getBean("parallelizedMetrics", ProgressReporter.class));
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "benchmarks-metrics-close"));
        }
        return reporter;
    }

    /** The registry of runs and the meters as one listener; only the meters see each outcome. */
    private static ProgressReporter both(ProgressReporter runs, ProgressReporter meters) {
        return new ProgressReporter() {
            @Override
            public void onStart(Parallelized<?, ?> run) {
                runs.onStart(run);
                meters.onStart(run);
            }

            @Override
            public void onOutcome(String run, Outcome<?, ?> outcome) {
                meters.onOutcome(run, outcome);
            }

            @Override
            public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                runs.onFinish(snapshot, summary);
                meters.onFinish(snapshot, summary);
            }
        };
    }

    /** The registry, so a caller can check that the runs were metered. */
    static synchronized MeterRegistry registry() {
        reporter();
        return context.getBean(MeterRegistry.class);
    }
}
