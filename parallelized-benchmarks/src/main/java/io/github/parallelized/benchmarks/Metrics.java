package io.github.parallelized.benchmarks;

import io.github.parallelized.ProgressReporter;
import io.github.parallelized.spring.ParallelizedMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The starter's Micrometer progress on a {@link SimpleMeterRegistry}, built by the starter's own
 * auto-configuration in a minimal Spring context, the way an application gets it; one for the whole JVM.
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
            context.register(ParallelizedMetricsAutoConfiguration.class);
            context.refresh();
            reporter = context.getBean(ProgressReporter.class);
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "benchmarks-metrics-close"));
        }
        return reporter;
    }

    /** The registry, so a caller can check that the runs were metered. */
    static synchronized MeterRegistry registry() {
        reporter();
        return context.getBean(MeterRegistry.class);
    }
}
