package io.github.parallelized.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Progress;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Summary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.DisposableBean;

/**
 * Progress as Micrometer meters (names fixed in DESIGN.md): {@code parallelized.tasks} (batch, state),
 * {@code parallelized.progress} (batch), {@code parallelized.task.duration} (batch, outcome) and
 * {@code parallelized.batches.active}. Gauges read the live runs when the registry is scraped, so they move
 * during a run; the runs with one desc add up under one {@code batch} tag; a finished run counts with its final
 * snapshot for the retention time and then leaves, and a batch without runs loses its meters. Past
 * {@code maxBatches} distinct tags, new descs share the tag {@value #OTHER}.
 *
 * <p>Thread-safe. Workers only record into a timer found through one map look-up.
 */
final class MicrometerProgress implements MetricsReporter, DisposableBean {

    static final String OTHER = "other";
    private static final String[] STATES = {"pending", "running", "succeeded", "failed", "cancelled"};
    private static final List<ToLongFunction<ProgressSnapshot>> COUNTS = List.of(ProgressSnapshot::pending,
            ProgressSnapshot::running, ProgressSnapshot::succeeded, ProgressSnapshot::failed,
            ProgressSnapshot::cancelled);

    private final MeterRegistry registry;
    private final long retentionNanos;
    private final int maxBatches;
    /** By batch tag; guarded by {@code this}. */
    private final Map<String, Batch> batches = new HashMap<>();
    /** By run id. */
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Gauge active;
    /** Removes finished runs after the retention; started on the first need, guarded by {@code this}. */
    private ScheduledExecutorService remover;
    private boolean closed;

    private final boolean percentilesHistogram;

    MicrometerProgress(MeterRegistry registry, Duration retention, int maxBatches, boolean percentilesHistogram) {
        this.registry = registry;
        this.percentilesHistogram = percentilesHistogram;
        this.retentionNanos = retention.toNanos();
        this.maxBatches = maxBatches;
        this.active = Gauge.builder("parallelized.batches.active", members, MicrometerProgress::countLive)
                .description("Runs in progress (runs that have started and not yet finished)")
                .strongReference(true)
                .register(registry);
    }

    private static double countLive(Map<String, Member> members) {
        return members.values().stream().filter(member -> member.progress != null).count();
    }

    /** One run in a batch: live through its progress, then its final snapshot. */
    private static final class Member {
        final String runId;
        final Batch batch;
        volatile Progress progress;
        volatile ProgressSnapshot last;

        Member(String runId, Batch batch, Progress progress) {
            this.runId = runId;
            this.batch = batch;
            this.progress = progress;
        }

        ProgressSnapshot snapshot() {
            Progress live = progress;
            return live != null ? live.snapshot() : last;
        }
    }

    /** The meters of one batch tag and the runs that add up in them. */
    private final class Batch {
        final String tag;
        final List<Member> runs = new CopyOnWriteArrayList<>();
        final List<Meter> meters = new ArrayList<>();
        final Timer success;
        final Timer failure;

        Batch(String tag) {
            this.tag = tag;
            for (int i = 0; i < STATES.length; i++) {
                ToLongFunction<ProgressSnapshot> count = COUNTS.get(i);
                meters.add(Gauge.builder("parallelized.tasks", this, batch -> batch.sum(count))
                        .description("Tasks of the runs with this batch tag, by state")
                        .tags("batch", tag, "state", STATES[i])
                        .strongReference(true)
                        .register(registry));
            }
            meters.add(Gauge.builder("parallelized.progress", this, Batch::fraction)
                    .description("Share of the inputs of the runs with this batch tag that became outcomes, 0..1")
                    .tags("batch", tag)
                    .strongReference(true)
                    .register(registry));
            success = timer("success");
            failure = timer("failure");
            meters.add(success);
            meters.add(failure);
        }

        private Timer timer(String outcome) {
            return Timer.builder("parallelized.task.duration")
                    .description("Time each task took, over all its attempts")
                    .tags("batch", tag, "outcome", outcome)
                    .publishPercentileHistogram(percentilesHistogram)
                    .register(registry);
        }

        double sum(ToLongFunction<ProgressSnapshot> count) {
            long sum = 0;
            for (Member member : runs) {
                sum += count.applyAsLong(member.snapshot());
            }
            return sum;
        }

        /** Completed over total of all its runs; NaN while a live run's total is unknown. */
        double fraction() {
            long done = 0;
            long total = 0;
            for (Member member : runs) {
                ProgressSnapshot snapshot = member.snapshot();
                done += snapshot.completed();
                if (snapshot.total() >= 0) {
                    total += snapshot.total();
                } else if (member.progress == null) {
                    total += snapshot.completed();
                } else {
                    return Double.NaN;
                }
            }
            return total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
        }
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        Progress progress = run.progress();
        // by the tag, not the raw desc: two descs that clean up to one tag share its meters, never register twice
        String desc = SafeText.forTag(progress.snapshot().description());
        synchronized (this) {
            Batch batch = batches.get(desc);
            if (batch == null) {
                long named = batches.keySet().stream().filter(tag -> !OTHER.equals(tag)).count();
                String tag = named < maxBatches ? desc : OTHER;
                batch = batches.computeIfAbsent(tag, Batch::new);
            }
            Member member = new Member(run.id(), batch, progress);
            batch.runs.add(member);
            members.put(run.id(), member);
        }
    }

    @Override
    public void onOutcome(String run, Outcome<?, ?> outcome) {
        Member member = members.get(run);
        if (member == null || outcome.isCancelled()) {
            return;
        }
        (outcome.isSuccess() ? member.batch.success : member.batch.failure).record(outcome.duration());
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        Member member = members.get(snapshot.id());
        if (member == null) {
            return;
        }
        member.last = snapshot;
        member.progress = null;
        if (retentionNanos == 0) {
            remove(member);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (remover == null) {
                ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "parallelized-metrics-retention");
                    thread.setDaemon(true);
                    return thread;
                });
                executor.setRemoveOnCancelPolicy(true);
                remover = executor;
            }
            remover.schedule(() -> remove(member), retentionNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void remove(Member member) {
        members.remove(member.runId, member);
        Batch batch = member.batch;
        batch.runs.remove(member);
        if (batch.runs.isEmpty() && batches.remove(batch.tag, batch)) {
            batch.meters.forEach(registry::remove);
        }
    }

    @Override
    public synchronized void destroy() {
        closed = true;
        if (remover != null) {
            remover.shutdownNow();
        }
        batches.values().forEach(batch -> batch.meters.forEach(registry::remove));
        batches.clear();
        registry.remove(active);
    }
}
