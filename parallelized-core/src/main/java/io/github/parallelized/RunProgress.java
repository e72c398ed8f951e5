package io.github.parallelized;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/** The {@link Progress} of one run: its name and postfix as the user sets them, and its counts as they are. */
final class RunProgress implements Progress {

    private final String id;
    private final Counters counters;
    private final Lifecycle lifecycle;
    private final Reporters reporters;
    private final FailurePolicy failurePolicy;
    /** The most tasks that can run at once (see {@link RunConfig#maxRunning()}). */
    private final long maxRunning;
    private final long total;
    private final TaskSource<?> source;
    private final Instant startedAt = Instant.now();
    private volatile String description;
    private volatile Map<String, Object> postfix = Map.of();

    RunProgress(String id, RunConfig config, long total, TaskSource<?> source, Counters counters,
                Lifecycle lifecycle, Reporters reporters, FailurePolicy failurePolicy) {
        this.id = id;
        this.counters = counters;
        this.lifecycle = lifecycle;
        this.reporters = reporters;
        this.failurePolicy = failurePolicy;
        this.maxRunning = config.maxRunning();
        this.source = source;
        this.description = config.reporting().desc();
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
        reporters.write(Objects.requireNonNull(line, "line"));
    }

    @Override
    public long total() {
        return total;
    }

    @Override
    public long completed() {
        return counters.completed();
    }

    @Override
    public long failed() {
        return counters.failed();
    }

    @Override
    public ProgressSnapshot snapshot() {
        return snapshotOf(counters.snapshot());
    }

    private ProgressSnapshot snapshotOf(long[] counts) {
        long started = counts[0];
        long cancelledEarly = counts[5];
        long left = source.skipped();
        // once stopped, nothing waits to start: the unread inputs are handed back by remaining()
        long pending = total < 0 || !lifecycle.isRunning() ? 0
                : Math.max(0, total - started - cancelledEarly - left);
        // the counts are read one after another, outcomes first (so that running is never negative): tasks that
        // started and ended in between would show as running, beyond what can run at once
        long running = Math.min(counts[1], maxRunning);
        return new ProgressSnapshot(id, description, lifecycle.state(), total, pending, running,
                counts[2], counts[3], counts[4], startedAt, lifecycle.elapsed(), postfix, left);
    }

    Summary summary() {
        long[] counts = counters.snapshot();
        return summaryOf(counts, snapshotOf(counts));
    }

    /**
     * The run finished: its reporters get the last snapshot and the summary, both from one reading of the counters
     * (a reading is a pass over every worker: a run on 10,000 virtual threads has as many).
     */
    void finishTo(Reporters reporters) {
        long[] counts = counters.snapshot();
        ProgressSnapshot last = snapshotOf(counts);
        reporters.finish(last, summaryOf(counts, last));
    }

    private Summary summaryOf(long[] counts, ProgressSnapshot now) {
        TaskTimes times = counters.times();
        return new Summary(now.description(), now.state(), now.succeeded(), now.failed(), now.cancelled(),
                failurePolicy.byType(), times.percentile(0.50), times.percentile(0.95), times.max(),
                now.elapsed(), counts[Counters.RESUBMITTED_AT], now.skipped());
    }
}
