package io.github.parallelized;

import java.util.function.Function;

/**
 * The limits and the retry policy of a run while its builder is being set ({@code limit}, {@code limitPerKey},
 * {@code retry}); read by the engine when the run starts. Not thread-safe, like the builder.
 */
final class LimitOptions {

    /** The limit of every task of the run, or null. */
    TaskLimit limit;
    /** The key function of {@code limitPerKey}, or null. */
    Function<?, ?> key;
    /** The template of {@code limitPerKey}, or null. */
    TaskLimit perKey;
    /** The retry policy; {@code retry(attempts, backoff[, retryOn])} sets a fixed one. Null: no retry. */
    RetryPolicy retry;

    /** The run's limits, or null without any: what the engine asks at start (without any, it loads none). */
    @SuppressWarnings("unchecked")
    <I> RunLimits<I> runLimits() {
        if (limit == null && perKey == null) {
            return null;
        }
        return RunLimits.of(limit, (Function<? super I, ?>) key, perKey);
    }
}
