package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** The builder's limit and retry options, as they are handed to the engine. */
class LimitsBuilderTest {

    private static Parallelized.Builder<String, String> builder() {
        return Parallelized.of((String s) -> s, List.of("a")).progress(ProgressReporter.none());
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> builder().limit(null)).isInstanceOf(NullPointerException.class).hasMessage("limit");
        assertThatThrownBy(() -> builder().limitPerKey(null, TaskLimit.concurrency(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> builder().limitPerKey(Function.identity(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("limit");
        assertThatThrownBy(() -> builder().retry(null)).isInstanceOf(NullPointerException.class).hasMessage("policy");
    }

    @Test
    void theOptionsReachTheEngineAndALaterOneReplacesAnEarlierOne() {
        TaskLimit first = TaskLimit.concurrency(1);
        TaskLimit second = TaskLimit.rate(5, Duration.ofSeconds(1));
        RetryPolicy policy = RetryPolicy.exponential(4, Duration.ofMillis(10), Duration.ofSeconds(1));
        Parallelized.Builder<String, String> builder = builder().limit(first).limit(second)
                .limitPerKey(s -> s.charAt(0), first).retry(policy);
        assertThat(builder.limits.limit).isSameAs(second);
        assertThat(builder.limits.perKey).isSameAs(first);
        assertThat(builder.limits.retry).isSameAs(policy);
        RunLimits<String> limits = builder.limits.runLimits();
        assertThat(limits.slot("abc").limit()).hasToString("TaskLimit[concurrency 1 and rate 5 per 1.0 s]");
        assertThat(builder().limits.runLimits()).isNull();
    }

    @Test
    void theOldRetryIsAShorthandForAFixedPolicy() {
        Parallelized.Builder<String, String> builder = builder().retry(3, Duration.ofMillis(20));
        RetryPolicy policy = builder.limits.retry;
        assertThat(policy.maxAttempts()).isEqualTo(3);
        assertThat(policy.delayNanos(1, new IOException(), 0)).isEqualTo(20_000_000L);
        assertThat(policy.retries(new OutOfMemoryError())).as("as before: whatever it threw").isTrue();
        RetryPolicy onlyIo = builder().retry(2, Duration.ZERO, e -> e instanceof IOException).limits.retry;
        assertThat(onlyIo.retries(new IOException())).isTrue();
        assertThat(onlyIo.retries(new IllegalStateException())).isFalse();
        assertThat(builder().retry(RetryPolicy.fixed(9, Duration.ZERO)).retry(2, Duration.ZERO).limits.retry
                .maxAttempts()).isEqualTo(2);
    }
}
