package io.github.parallelized.spring;

import io.github.parallelized.Parallelized;

/**
 * Adjusts the builder of every run that the auto-configured {@link ParallelizedFactory} hands out, after the
 * {@code parallelized.*} presets and before the caller's own settings: a listener for every run, a retry rule, a
 * failure policy, without replacing the factory. Beans of this type apply in their {@code @Order}, as Spring
 * Boot's own customizers do. Implementations must be thread-safe (runs are built on many threads).
 */
@FunctionalInterface
public interface ParallelizedBuilderCustomizer {

    /**
     * Adjusts one run's builder.
     *
     * @param builder the preset builder of a run about to be described by its caller
     */
    void customize(Parallelized.Builder<?, ?> builder);
}
