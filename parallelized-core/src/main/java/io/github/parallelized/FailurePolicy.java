package io.github.parallelized;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The failure policy: counts the failed inputs by type and stops the run ({@link RunState#FAILED}) when
 * {@link Parallelized.Builder#stopAfterFailures(int)} or {@link Parallelized.Builder#stopAboveFailureRate} says so.
 */
final class FailurePolicy {

    private final FailureLimit limit;
    private final Counters counters;
    private final Lifecycle lifecycle;
    private final AtomicLong failures = new AtomicLong();
    private final Map<String, LongAdder> byType = new ConcurrentHashMap<>();

    FailurePolicy(FailureLimit limit, Counters counters, Lifecycle lifecycle) {
        this.limit = limit;
        this.counters = counters;
        this.lifecycle = lifecycle;
    }

    /** An input failed after its last attempt. */
    void failed(Throwable error) {
        byType.computeIfAbsent(error.getClass().getName(), k -> new LongAdder()).increment();
        long failed = failures.incrementAndGet();
        if (failed >= limit.maxFailures()) {
            lifecycle.stop(RunState.FAILED);
        } else if (!Double.isNaN(limit.maxRate())) {
            long ended = counters.ended();
            if (ended >= limit.minTasksForRate() && (double) failed / ended > limit.maxRate()) {
                lifecycle.stop(RunState.FAILED);
            }
        }
    }

    Map<String, Long> byType() {
        Map<String, Long> counts = new HashMap<>();
        byType.forEach((type, count) -> counts.put(type, count.sum()));
        return counts;
    }
}
