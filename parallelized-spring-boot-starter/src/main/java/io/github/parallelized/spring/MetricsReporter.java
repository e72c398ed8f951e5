package io.github.parallelized.spring;

import io.github.parallelized.ProgressReporter;

/**
 * The metrics listener of the runs, seen by the core auto-configuration without naming Micrometer types, so
 * that the starter runs without Micrometer on the class path.
 */
interface MetricsReporter extends ProgressReporter {
}
