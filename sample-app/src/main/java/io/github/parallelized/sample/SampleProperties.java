package io.github.parallelized.sample;

import io.github.parallelized.Parallelized;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sample's own settings, under {@code sample.*} (the library's are under {@code parallelized.*}).
 *
 * @param maxCount      the largest {@code count} a run request may ask for
 * @param maxActiveRuns how many runs may go on at once; a request beyond answers 429
 * @param keepFailures  how many failures per run {@code /api/runs/{id}} shows (the most recent ones)
 * @param ioThreads     the platform threads of the I/O pool, used by {@code io} runs when the JVM has no virtual threads
 * @param flakyBackoff  the wait before a {@code flaky} task is retried
 * @param apiRate       the calls per second the simulated API of {@code api} runs allows; above, it answers 429
 * @param demo          the demo launched at start-up
 */
@ConfigurationProperties("sample")
public record SampleProperties(@DefaultValue("100000") int maxCount,
                               @DefaultValue("8") int maxActiveRuns,
                               @DefaultValue("20") int keepFailures,
                               @DefaultValue("32") int ioThreads,
                               @DefaultValue("20ms") Duration flakyBackoff,
                               @DefaultValue("15") int apiRate,
                               @DefaultValue Demo demo) {

    /** The longest {@code flaky-backoff}, as the starter's durations: a deadline a hundred years on cannot overflow. */
    static final Duration MAX_BACKOFF = Duration.ofDays(36_500);

    /**
     * Checks every value, so that a wrong one stops the start-up naming the property, instead of the service
     * starting and then answering 500 (or failing every task) on the runs that use it.
     *
     * @throws IllegalArgumentException naming the property, its value and what is allowed
     */
    public SampleProperties {
        atLeast("sample.max-count", maxCount, 1);
        atLeast("sample.max-active-runs", maxActiveRuns, 1);
        atLeast("sample.keep-failures", keepFailures, 0);
        atLeast("sample.io-threads", ioThreads, 1);
        if (ioThreads > Parallelized.MAX_THREADS) {
            throw new IllegalArgumentException("sample.io-threads must be at most " + Parallelized.MAX_THREADS
                    + ", was " + ioThreads);
        }
        if (flakyBackoff == null || flakyBackoff.isNegative() || flakyBackoff.compareTo(MAX_BACKOFF) > 0) {
            throw new IllegalArgumentException("sample.flaky-backoff must be a duration from 0s to 36500d, was "
                    + flakyBackoff);
        }
        atLeast("sample.api-rate", apiRate, 1);
    }

    private static void atLeast(String property, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(property + " must be at least " + min + ", was " + value);
        }
    }

    /**
     * The demo runs launched when the service is ready, so that the dashboard shows progress at once.
     *
     * @param enabled whether to launch them
     * @param runs    the runs, as if posted to {@code /api/runs}
     */
    public record Demo(@DefaultValue("true") boolean enabled, List<RunRequest> runs) {

        /**
         * Copies the list.
         *
         * @param enabled whether to launch them
         * @param runs    the runs, or null for none
         */
        public Demo {
            runs = runs == null ? List.of() : List.copyOf(runs);
        }
    }
}
