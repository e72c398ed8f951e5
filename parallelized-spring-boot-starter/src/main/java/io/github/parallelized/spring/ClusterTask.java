package io.github.parallelized.spring;

import java.util.Objects;

import io.github.parallelized.TaskFunction;

/**
 * A function that cluster runs apply by name: declare one as a bean on every instance of the application, and
 * the starter registers it on the local Hazelcast member at start-up (see {@code ParallelizedCluster}).
 *
 * <pre>{@code
 * @Bean
 * ClusterTask<Path, Path> thumbnail(Thumbnails thumbnails) {
 *     return ClusterTask.of("thumbnail", thumbnails::render);
 * }
 * }</pre>
 *
 * Immutable and thread-safe; the function must be thread-safe itself.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
public final class ClusterTask<I, R> {

    private final String name;
    private final String version;
    private final TaskFunction<I, R> function;

    private ClusterTask(String name, String version, TaskFunction<I, R> function) {
        this.name = Objects.requireNonNull(name, "name");
        this.version = version;
        this.function = Objects.requireNonNull(function, "function");
    }

    /**
     * A task versioned by a hash of the class that defines the function.
     *
     * @param name     the name runs use, not null
     * @param function the function, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return the task
     * @throws NullPointerException if an argument is null
     */
    public static <I, R> ClusterTask<I, R> of(String name, TaskFunction<I, R> function) {
        return new ClusterTask<>(name, null, function);
    }

    /**
     * A task with an explicit version (for instance the application's build version).
     *
     * @param name     the name runs use, not null
     * @param version  the version, not null
     * @param function the function, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return the task
     * @throws NullPointerException if an argument is null
     */
    public static <I, R> ClusterTask<I, R> of(String name, String version, TaskFunction<I, R> function) {
        return new ClusterTask<>(name, Objects.requireNonNull(version, "version"), function);
    }

    /**
     * The name runs use.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The explicit version, or null for the hash of the defining class.
     *
     * @return the version or null
     */
    public String version() {
        return version;
    }

    /**
     * The function.
     *
     * @return the function
     */
    public TaskFunction<I, R> function() {
        return function;
    }

    @Override
    public String toString() {
        return "ClusterTask[" + name + (version != null ? ", version " + version : "") + "]";
    }
}
