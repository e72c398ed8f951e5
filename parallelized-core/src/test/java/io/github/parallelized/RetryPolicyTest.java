package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static final long MS = 1_000_000L;

    /** A 429 that says when to come back. */
    static final class TooManyRequests extends IOException implements RetryAfter {
        private final Duration retryAfter;

        TooManyRequests(Duration retryAfter) {
            super("HTTP 429");
            this.retryAfter = retryAfter;
        }

        @Override
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    @Test
    void fixedWaitsTheSameBeforeEveryRetry() {
        RetryPolicy policy = RetryPolicy.fixed(3, Duration.ofMillis(250));
        assertThat(policy.maxAttempts()).isEqualTo(3);
        for (int failed = 1; failed <= 5; failed++) {
            assertThat(policy.delayNanos(failed, new IOException(), 42)).isEqualTo(250 * MS);
        }
    }

    @Test
    void aFixedDelayOfZeroIsAllowedAsTheBuilderShorthandAlwaysWas() {
        assertThat(RetryPolicy.fixed(2, Duration.ZERO).delayNanos(1, new IOException(), 7)).isZero();
    }

    @Test
    void exponentialDoublesUpToItsCapWithoutOverflow() {
        RetryPolicy policy = RetryPolicy.exponential(100, Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(policy.delayNanos(1, new IOException(), 0)).isEqualTo(100 * MS);
        assertThat(policy.delayNanos(2, new IOException(), 0)).isEqualTo(200 * MS);
        assertThat(policy.delayNanos(3, new IOException(), 0)).isEqualTo(400 * MS);
        assertThat(policy.delayNanos(4, new IOException(), 0)).isEqualTo(800 * MS);
        assertThat(policy.delayNanos(5, new IOException(), 0)).isEqualTo(1000 * MS);
        assertThat(policy.delayNanos(64, new IOException(), 0)).isEqualTo(1000 * MS);
        assertThat(policy.delayNanos(Integer.MAX_VALUE, new IOException(), 0)).isEqualTo(1000 * MS);
        RetryPolicy huge = RetryPolicy.exponential(100, Duration.ofNanos(Long.MAX_VALUE / 2),
                Duration.ofNanos(Long.MAX_VALUE));
        assertThat(huge.delayNanos(3, new IOException(), 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void jitterStaysWithinTheFractionAndCoversIt() {
        RetryPolicy policy = RetryPolicy.fixed(3, Duration.ofMillis(1000)).withJitter(0.25);
        SplittableRandom random = new SplittableRandom(1);
        long least = Long.MAX_VALUE;
        long most = 0;
        for (int i = 0; i < 10_000; i++) {
            long delay = policy.delayNanos(1, new IOException(), random.nextLong());
            least = Math.min(least, delay);
            most = Math.max(most, delay);
        }
        assertThat(least).isBetween(750 * MS, 760 * MS);
        assertThat(most).isBetween(1240 * MS, 1250 * MS);
        RetryPolicy full = RetryPolicy.fixed(3, Duration.ofMillis(1000)).withJitter(1);
        assertThat(full.delayNanos(1, new IOException(), 0)).isZero();
        assertThat(full.delayNanos(1, new IOException(), -1L)).isBetween(1999 * MS, 2000 * MS);
    }

    @Test
    void retryAfterReplacesThePolicysDelay() {
        RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofSeconds(10));
        assertThat(policy.delayNanos(1, new TooManyRequests(Duration.ofSeconds(3)), 0)).isEqualTo(3000 * MS);
        // shorter than the policy's delay: the server's word counts
        assertThat(policy.delayNanos(4, new TooManyRequests(Duration.ofMillis(10)), 0)).isEqualTo(10 * MS);
        assertThat(policy.delayNanos(1, new TooManyRequests(Duration.ofSeconds(-5)), 0)).isZero();
        assertThat(policy.delayNanos(1, new TooManyRequests(Duration.ZERO), 0)).isZero();
        // no hint: the policy's delay
        assertThat(policy.delayNanos(2, new TooManyRequests(null), 0)).isEqualTo(200 * MS);
    }

    @Test
    void aHugeRetryAfterWaitsTheCap() {
        RetryPolicy policy = RetryPolicy.fixed(3, Duration.ofMillis(1));
        assertThat(policy.delayNanos(1, new TooManyRequests(Duration.ofDays(365_000_000L)), 0))
                .isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(policy.maxRetryAfter(Duration.ofSeconds(30))
                .delayNanos(1, new TooManyRequests(Duration.ofMinutes(5)), 0)).isEqualTo(30_000 * MS);
    }

    @Test
    void jitterOnlyPostponesARetryAfter() {
        RetryPolicy policy = RetryPolicy.fixed(3, Duration.ofMillis(1)).withJitter(0.5);
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.delayNanos(1, new TooManyRequests(Duration.ofSeconds(2)), random.nextLong()))
                    .isBetween(2000 * MS, 3000 * MS);
        }
    }

    @Test
    void byDefaultEveryExceptionIsRetriedAndNoError() {
        RetryPolicy policy = RetryPolicy.fixed(2, Duration.ZERO);
        assertThat(policy.retries(new IOException())).isTrue();
        assertThat(policy.retries(new IllegalStateException())).isTrue();
        assertThat(policy.retries(new OutOfMemoryError())).isFalse();
        assertThat(policy.retries(new AssertionError())).isFalse();
        RetryPolicy io = policy.retryOn(e -> e instanceof IOException);
        assertThat(io.retries(new IOException())).isTrue();
        assertThat(io.retries(new IllegalStateException())).isFalse();
        assertThat(policy.retries(new IllegalStateException())).as("the original is unchanged").isTrue();
    }

    @Test
    void aPredicateThatThrowsLetsItThroughForTheEngineToReport() {
        RetryPolicy policy = RetryPolicy.fixed(2, Duration.ZERO).retryOn(e -> {
            throw new IllegalStateException("broken predicate");
        });
        assertThatThrownBy(() -> policy.retries(new IOException())).hasMessage("broken predicate");
    }

    @Test
    void badValuesAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> RetryPolicy.fixed(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxAttempts must be at least 1, was 0");
        assertThatThrownBy(() -> RetryPolicy.fixed(2, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delay must not be negative");
        assertThatThrownBy(() -> RetryPolicy.fixed(2, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("delay");
        assertThatThrownBy(() -> RetryPolicy.fixed(2, Duration.ofDays(365L * 300)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delay must be at most");
        assertThatThrownBy(() -> RetryPolicy.exponential(0, Duration.ofMillis(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("first must be more than zero");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("max must be more than zero");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("first must not be longer than max");
        assertThatThrownBy(() -> RetryPolicy.exponential(3, null, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("first");
        RetryPolicy policy = RetryPolicy.fixed(2, Duration.ZERO);
        assertThatThrownBy(() -> policy.withJitter(-0.01)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fraction must be in [0, 1], was -0.01");
        assertThatThrownBy(() -> policy.withJitter(1.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.withJitter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.retryOn(null)).isInstanceOf(NullPointerException.class).hasMessage("retryOn");
        assertThatThrownBy(() -> policy.maxRetryAfter(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("max must be more than zero");
    }

    @Test
    void itDescribesItself() {
        assertThat(RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.2))
                .hasToString("RetryPolicy[5 attempts, exponential 200.0 ms..10.0 s, jitter 0.2]");
        assertThat(RetryPolicy.fixed(2, Duration.ZERO)).hasToString("RetryPolicy[2 attempts, fixed 0 us]");
    }
}
