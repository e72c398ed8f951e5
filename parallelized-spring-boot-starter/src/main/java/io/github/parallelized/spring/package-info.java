/**
 * Spring Boot starter for Parallelized: add the dependency, inject {@link io.github.parallelized.spring.ParallelizedFactory},
 * and every run it builds is preset from {@code parallelized.*} ({@link io.github.parallelized.spring.ParallelizedProperties}),
 * shares one bounded pool (or {@code parallelized.pool: per-run}), carries the application's {@code TaskDecorator}
 * context, reports Micrometer meters when there is a {@code MeterRegistry}, appears in the {@code parallelized}
 * actuator endpoint, and is ended in order when the application shuts down.
 *
 * <pre>{@code
 * try (Parallelized<Job, String> par = factory.of(this::render, jobs).desc("Rendering").start()) {
 *     for (Outcome<Job, String> o : par) { ... }
 * }
 * }</pre>
 *
 * <p>Meters: {@code parallelized.tasks} (tags {@code batch}, {@code state}), {@code parallelized.progress}
 * ({@code batch}), {@code parallelized.task.duration} ({@code batch}, {@code outcome}),
 * {@code parallelized.batches.active}. Endpoint: {@code GET /actuator/parallelized},
 * {@code GET /actuator/parallelized/{id}}, {@code DELETE /actuator/parallelized/{id}} (cancels the run).
 *
 * <p>Public: the factory, the properties and the three auto-configurations; everything else is package-private.
 */
package io.github.parallelized.spring;
