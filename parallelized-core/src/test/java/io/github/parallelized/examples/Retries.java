package io.github.parallelized.examples;

import java.io.IOException;
import java.time.Duration;

import io.github.parallelized.RetryPolicy;

/** The limits guide's retry policy. */
final class Retries {

    private Retries() {
    }

    /** Up to 6 attempts on an IOException, waiting 200 ms, 400 ms, ... at most 10 s, each plus or minus 20 %. */
    static RetryPolicy onIoErrors() {
        // tag::retry-policy[]
        RetryPolicy policy = RetryPolicy.exponential(6, Duration.ofMillis(200), Duration.ofSeconds(10))
                .withJitter(0.2)
                .retryOn(error -> error instanceof IOException);
        // end::retry-policy[]
        return policy;
    }
}
