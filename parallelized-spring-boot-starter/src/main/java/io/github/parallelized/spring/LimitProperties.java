package io.github.parallelized.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.github.parallelized.TaskLimit;

/**
 * The named limits of {@code parallelized.limits.<name>.*}: each becomes a {@link TaskLimit} bean, found by name in
 * {@link ParallelizedLimits}. Bound by {@link ParallelizedLimitsAutoConfiguration} while the bean definitions are
 * registered, and checked here: a bad value stops the start-up naming the property. Immutable.
 */
@ConfigurationProperties("parallelized")
final class LimitProperties {

    static final String PREFIX = "parallelized.limits";

    /**
     * Limits shared by every run that applies them, by name (for instance one per API the service calls): each
     * with a concurrency (tasks at once), a rate (task starts per window) and per (the window, default 1s), or
     * both. Default: none.
     */
    private final Map<String, Limit> limits;

    LimitProperties(Map<String, Limit> limits) {
        this.limits = new LinkedHashMap<>();
        if (limits != null) {
            limits.forEach((name, limit) -> {
                if (name.isBlank()) {
                    throw new Check.InvalidPropertyValueException(PREFIX, "[" + name + "]",
                            "limits whose names are not blank, such as parallelized.limits.api.concurrency");
                }
                limit.check(PREFIX + "." + name);
                this.limits.put(name, limit);
            });
        }
    }

    Map<String, Limit> getLimits() {
        return limits;
    }

    /** One named limit ({@code parallelized.limits.<name>.*}). */
    static final class Limit {

        /**
         * At most this many tasks under the limit run at once (for asynchronous runs: are in flight).
         */
        private final Integer concurrency;

        /**
         * At most this many task starts, retries included, in any window of length per.
         */
        private final Integer rate;

        /**
         * The sliding window of the rate.
         */
        private final Duration per;

        Limit(Integer concurrency, Integer rate, @DefaultValue("1s") Duration per) {
            this.concurrency = concurrency;
            this.rate = rate;
            this.per = per;
        }

        /** Checks the values; the messages name {@code property}'s keys. */
        void check(String property) {
            if (concurrency != null && concurrency < 1) {
                throw new Check.InvalidPropertyValueException(property + ".concurrency", concurrency,
                        Check.LIMIT_CONCURRENCY);
            }
            if (rate != null && (rate < 1 || rate > 1_000_000)) {
                throw new Check.InvalidPropertyValueException(property + ".rate", rate, Check.LIMIT_RATE);
            }
            if (per == null || per.isZero() || per.isNegative() || per.compareTo(Check.MAX_DURATION) > 0) {
                throw new Check.InvalidPropertyValueException(property + ".per", per, Check.LIMIT_PER);
            }
            if (concurrency == null && rate == null) {
                throw new Check.InvalidPropertyValueException(property + ".concurrency", "",
                        "a whole number of at least 1 (a named limit needs a concurrency, a rate, or both)");
            }
        }

        /** The limit these values describe. */
        TaskLimit toLimit() {
            TaskLimit limit = concurrency == null ? null : TaskLimit.concurrency(concurrency);
            if (rate != null) {
                TaskLimit windowed = TaskLimit.rate(rate, per);
                limit = limit == null ? windowed : limit.and(windowed);
            }
            return limit;
        }

        Integer getConcurrency() {
            return concurrency;
        }

        Integer getRate() {
            return rate;
        }

        Duration getPer() {
            return per;
        }
    }
}
