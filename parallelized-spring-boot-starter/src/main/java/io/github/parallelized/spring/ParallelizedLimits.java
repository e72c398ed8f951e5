package io.github.parallelized.spring;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.github.parallelized.TaskLimit;

/**
 * The named limits of the application, from {@code parallelized.limits.<name>.*}: one {@link TaskLimit} per name,
 * shared by every run that applies it, so that all the calls of the service to one API obey one limit.
 *
 * <pre>{@code
 * # application.yml
 * parallelized:
 *   limits:
 *     openai:
 *       concurrency: 8
 *       rate: 20
 *       per: 1s
 * }</pre>
 *
 * <pre>{@code
 * factory.of(this::complete, prompts).limit(limits.get("openai")).retry(policy).start();
 * }</pre>
 *
 * <p>Each named limit is also a {@code TaskLimit} bean, named {@code parallelized.limits.<name>} and qualified by
 * its name ({@code @Qualifier("openai") TaskLimit openai}). The starter's meters read the limits here:
 * {@code parallelized.limit.waiting} and {@code parallelized.limit.permits}, tagged {@code limit=<name>}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ParallelizedLimits {

    private final Map<String, TaskLimit> limits;

    /**
     * Holds the given limits.
     *
     * @param limits the limits by name, not null; copied in its order
     * @throws NullPointerException if {@code limits}, a name or a limit is null
     */
    public ParallelizedLimits(Map<String, TaskLimit> limits) {
        Objects.requireNonNull(limits, "limits");
        Map<String, TaskLimit> copy = new LinkedHashMap<>();
        limits.forEach((name, limit) -> copy.put(Objects.requireNonNull(name, "name"),
                Objects.requireNonNull(limit, "limit")));
        this.limits = Collections.unmodifiableMap(copy);
    }

    /**
     * The limit of this name.
     *
     * @param name the name under {@code parallelized.limits}, not null
     * @return the limit, the same instance at every call
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if no limit has this name, listing those that exist
     */
    public TaskLimit get(String name) {
        Objects.requireNonNull(name, "name");
        TaskLimit limit = limits.get(name);
        if (limit == null) {
            throw new IllegalArgumentException("no limit named '" + name + "': set parallelized.limits." + name
                    + ".concurrency or .rate; the named limits are " + limits.keySet());
        }
        return limit;
    }

    /**
     * The names of the limits.
     *
     * @return the names, in the order of the configuration; unmodifiable
     */
    public Set<String> names() {
        return limits.keySet();
    }

    /**
     * The limits by name.
     *
     * @return an unmodifiable view
     */
    public Map<String, TaskLimit> asMap() {
        return limits;
    }
}
