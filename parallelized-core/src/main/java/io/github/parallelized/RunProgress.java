package io.github.parallelized;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/** The {@link Progress} of one run: its name and postfix as the user sets them, and its counts as they are. */
final class RunProgress implements Progress {

    private final Run<?, ?> run;
    private final long total;
    private final LongSupplier skipped;
    private final Instant startedAt = Instant.now();
    private volatile String description;
    private volatile Map<String, Object> postfix = Map.of();

    RunProgress(Run<?, ?> run, String description, long total, LongSupplier skipped) {
        this.run = run;
        this.skipped = skipped;
        this.description = description;
        this.total = total;
    }

    String description() {
        return description;
    }

    @Override
    public void setDescription(String description) {
        this.description = Objects.requireNonNull(description, "description");
    }

    @Override
    public void setPostfix(Map<String, ?> postfix) {
        this.postfix = Postfix.copyOf(postfix);
    }

    @Override
    public void write(String line) {
        run.reporters.write(Objects.requireNonNull(line, "line"));
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public long completed() {
        return run.counters.completed();
    }

    @Override
    public long failed() {
        return run.counters.failed();
    }

    @Override
    public ProgressSnapshot snapshot() {
        long[] counts = run.counters.snapshot();
        long started = counts[0];
        long cancelledEarly = counts[5];
        long left = skipped.getAsLong();
        // once stopped, nothing waits to start: the unread inputs are handed back by remaining()
        long pending = total < 0 || !run.lifecycle.isRunning() ? 0
                : Math.max(0, total - started - cancelledEarly - left);
        // the counts are read one after another, outcomes first (so that running is never negative): tasks that
        // started and ended in between would show as running, beyond what can run at once
        long running = Math.min(counts[1], run.maxRunning());
        return new ProgressSnapshot(run.id(), description, run.lifecycle.state(), total, pending, running,
                counts[2], counts[3], counts[4], startedAt, run.lifecycle.elapsed(), postfix, left);
    }

    Summary summary() {
        TaskTimes times = run.counters.times();
        ProgressSnapshot now = snapshot();
        return new Summary(now.description(), now.state(), now.succeeded(), now.failed(), now.cancelled(),
                run.failurePolicy.byType(), times.percentile(0.50), times.percentile(0.95), times.max(),
                now.elapsed(), run.counters.resubmitted(), now.skipped());
    }
}
