package io.github.parallelized;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A consistent-enough picture of one run at one moment, for displays, logs, gauges and the actuator
 * endpoint. Immutable and thread-safe; counts are read without stopping the workers, so they may be a
 * few tasks apart from each other while the run goes on.
 *
 * @param id          the run's {@linkplain Parallelized#id() id}
 * @param description the run's desc (its bar's and its metrics' name)
 * @param state       where the run is in its life cycle
 * @param total       the number of inputs, or -1 while it is unknown (a lazy source without a size)
 * @param pending     inputs known but not yet started ({@code total - started}), or 0 when the total is unknown
 * @param running     tasks running now
 * @param succeeded   tasks that returned normally
 * @param failed      tasks that threw (after their last attempt)
 * @param cancelled   inputs cancelled before or while running
 * @param startedAt   when the run started
 * @param elapsed     time since the start (up to the end, once the run has ended)
 * @param postfix     the key-value pairs last set through {@link Progress#setPostfix(Map)}, in their order
 * @param skipped     inputs left out by a {@linkplain Parallelized.Builder#checkpoint checkpoint} (a success was
 *                    recorded for them before): they count towards the total, as tqdm's {@code initial}, and never
 *                    become outcomes
 */
public record ProgressSnapshot(String id, String description, RunState state, long total, long pending, long running,
                               long succeeded, long failed, long cancelled, Instant startedAt, Duration elapsed,
                               Map<String, Object> postfix, long skipped) {

    /**
     * Checks and copies the components.
     *
     * @param id see the record component of that name
     * @param description see the record component of that name
     * @param state see the record component of that name
     * @param total see the record component of that name
     * @param pending see the record component of that name
     * @param running see the record component of that name
     * @param succeeded see the record component of that name
     * @param failed see the record component of that name
     * @param cancelled see the record component of that name
     * @param startedAt see the record component of that name
     * @param elapsed see the record component of that name
     * @param postfix see the record component of that name
     * @param skipped see the record component of that name
     * @throws NullPointerException if a reference component is null
     * @throws IllegalArgumentException if {@code skipped} is negative
     */
    public ProgressSnapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(elapsed, "elapsed");
        postfix = Postfix.copyOf(postfix);
        if (skipped < 0) {
            throw new IllegalArgumentException("skipped must be >= 0, was " + skipped);
        }
    }

    /**
     * A snapshot of a run without a checkpoint (nothing skipped), as before that component existed.
     *
     * @param id see the record component of that name
     * @param description see the record component of that name
     * @param state see the record component of that name
     * @param total see the record component of that name
     * @param pending see the record component of that name
     * @param running see the record component of that name
     * @param succeeded see the record component of that name
     * @param failed see the record component of that name
     * @param cancelled see the record component of that name
     * @param startedAt see the record component of that name
     * @param elapsed see the record component of that name
     * @param postfix see the record component of that name
     * @throws NullPointerException if a reference component is null
     */
    public ProgressSnapshot(String id, String description, RunState state, long total, long pending, long running,
                            long succeeded, long failed, long cancelled, Instant startedAt, Duration elapsed,
                            Map<String, Object> postfix) {
        this(id, description, state, total, pending, running, succeeded, failed, cancelled, startedAt, elapsed,
                postfix, 0);
    }

    /**
     * The inputs that became outcomes so far, whatever their kind.
     *
     * @return succeeded + failed + cancelled
     */
    public long completed() {
        return succeeded + failed + cancelled;
    }

    /**
     * The share of the inputs that became outcomes or were skipped.
     *
     * @return a value in 0..1, or empty while the total is unknown (1 for an empty, known source)
     */
    public Optional<Double> fraction() {
        if (total < 0) {
            return Optional.empty();
        }
        return Optional.of(total == 0 ? 1.0 : Math.min(1.0, (double) (completed() + skipped) / total));
    }

    /**
     * The average rate since the start.
     *
     * @return outcomes per second, 0 before the first millisecond has passed
     */
    public double ratePerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : completed() / seconds;
    }

    /**
     * The estimated time left at the average rate so far (skipped inputs are not left, nor part of the rate).
     *
     * @return empty while the total is unknown or nothing has completed yet; zero once the run has ended
     */
    public Optional<Duration> eta() {
        if (state != RunState.RUNNING) {
            return Optional.of(Duration.ZERO);
        }
        long done = completed();
        if (total < 0 || done == 0) {
            return Optional.empty();
        }
        long left = Math.max(0, total - done - skipped);
        return Optional.of(Duration.ofNanos((long) ((double) elapsed.toNanos() / done * left)));
    }
}
