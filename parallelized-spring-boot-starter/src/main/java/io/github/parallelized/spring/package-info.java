/**
 * Spring Boot starter for Parallelized: auto-configured {@code ParallelizedFactory}, {@code parallelized.*}
 * properties, Micrometer progress and the {@code parallelized} actuator endpoint.
 */
package io.github.parallelized.spring;
