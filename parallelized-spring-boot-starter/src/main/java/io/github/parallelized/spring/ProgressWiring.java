package io.github.parallelized.spring;

import java.util.List;
import java.util.function.Supplier;

import io.github.parallelized.ProgressReporter;

/**
 * How the runs of a factory show their progress, from {@code parallelized.progress} and whether the application
 * has meters: the display of each run, and the listeners every run gets (the registry of runs, the meters).
 *
 * @param display   a new display reporter per run
 * @param listeners the listeners of every run
 */
record ProgressWiring(Supplier<ProgressReporter> display, List<ProgressReporter> listeners) {

    static ProgressWiring of(ParallelizedProperties properties, RunRegistry registry, MetricsReporter meters) {
        ParallelizedProperties.ProgressMode mode = properties.getProgress() != null ? properties.getProgress()
                : meters != null ? ParallelizedProperties.ProgressMode.METRICS
                : ParallelizedProperties.ProgressMode.LOG;
        if (mode == ParallelizedProperties.ProgressMode.METRICS && meters == null) {
            throw new Check.InvalidPropertyValueException("parallelized.progress", "metrics",
                    "log, console or none here: metrics needs Micrometer and a MeterRegistry bean, and this"
                            + " application has none");
        }
        Supplier<ProgressReporter> display = switch (mode) {
            case LOG -> ProgressReporter::log;
            case CONSOLE -> ProgressReporter::console;
            case METRICS, NONE -> ProgressReporter::none;
        };
        List<ProgressReporter> listeners = meters != null && mode != ParallelizedProperties.ProgressMode.NONE
                ? List.of(registry, meters) : List.of(registry);
        return new ProgressWiring(display, listeners);
    }
}
