package io.github.parallelized.sample;

import io.github.parallelized.RetryAfter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * A remote API, simulated in process, that allows {@code allowedPerSecond} calls in any second: a call beyond
 * that fails at once with {@link TooManyRequests}, an HTTP 429 that carries {@code Retry-After} (the time until a
 * call would be allowed), as real APIs do. A call within the rate waits like a remote call. Thread-safe.
 */
final class SimulatedApi {

    private final int allowedPerSecond;
    private final int latencyMs;
    private final LongSupplier nanoTime;
    /** The times of the calls accepted within the last second, oldest first. */
    private final Deque<Long> accepted = new ArrayDeque<>();

    SimulatedApi(int allowedPerSecond, int latencyMs) {
        this(allowedPerSecond, latencyMs, System::nanoTime);
    }

    SimulatedApi(int allowedPerSecond, int latencyMs, LongSupplier nanoTime) {
        this.allowedPerSecond = allowedPerSecond;
        this.latencyMs = latencyMs;
        this.nanoTime = nanoTime;
    }

    /**
     * Calls the API for one input.
     *
     * @param input the input
     * @return the response
     * @throws TooManyRequests      above the rate
     * @throws InterruptedException if interrupted while the call waits
     */
    String call(int input) throws TooManyRequests, InterruptedException {
        admit();
        if (latencyMs > 0) {
            Thread.sleep(ThreadLocalRandom.current().nextLong(latencyMs / 2, latencyMs * 3L / 2 + 1));
        }
        return "answer " + input;
    }

    /** Accepts the call or refuses it with the wait until the oldest accepted call leaves the window. */
    void admit() throws TooManyRequests {
        long now = nanoTime.getAsLong();
        long second = Duration.ofSeconds(1).toNanos();
        synchronized (accepted) {
            while (!accepted.isEmpty() && now - accepted.peekFirst() >= second) {
                accepted.removeFirst();
            }
            if (accepted.size() >= allowedPerSecond) {
                throw new TooManyRequests(Duration.ofNanos(accepted.peekFirst() + second - now));
            }
            accepted.addLast(now);
        }
    }

    /** HTTP 429 Too Many Requests, with its {@code Retry-After}. */
    static final class TooManyRequests extends IOException implements RetryAfter {

        private static final long serialVersionUID = 1L;

        private final transient Duration retryAfter;

        TooManyRequests(Duration retryAfter) {
            super("HTTP 429 Too Many Requests, Retry-After " + retryAfter.toMillis() + " ms");
            this.retryAfter = retryAfter;
        }

        @Override
        public Duration retryAfter() {
            return retryAfter;
        }
    }
}
