package io.github.parallelized.sample;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checked run request with its defaults filled in; see {@link RunRequest} for the meaning of each field.
 *
 * @param kind        the kind
 * @param count       how many inputs
 * @param desc        the run's name
 * @param threads     how many tasks at once, or null for the configured default
 * @param iterations  hash rounds per input ({@code cpu})
 * @param latencyMs   mean wait per call ({@code io})
 * @param failureRate share of attempts that fail ({@code flaky})
 * @param maxAttempts attempts per input ({@code flaky})
 */
public record RunSpec(RunKind kind, int count, String desc, Integer threads, int iterations, int latencyMs,
                      double failureRate, int maxAttempts) {

    /**
     * The parameters that apply to this kind of run, for display.
     *
     * @return name to value, in a stable order
     */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("count", count);
        if (threads != null) {
            p.put("threads", threads);
        }
        switch (kind) {
            case CPU -> p.put("iterations", iterations);
            case IO -> p.put("latencyMs", latencyMs);
            case FLAKY -> {
                p.put("failureRate", failureRate);
                p.put("maxAttempts", maxAttempts);
            }
            case API -> p.put("limit", "parallelized.limits.api");
        }
        return p;
    }
}
