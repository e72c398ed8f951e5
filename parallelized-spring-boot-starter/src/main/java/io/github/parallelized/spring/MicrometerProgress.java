package io.github.parallelized.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.DisposableBean;

/**
 * Progress as Micrometer meters (names fixed in DESIGN.md): {@code parallelized.tasks} (batch, state),
 * {@code parallelized.progress} (batch), {@code parallelized.task.duration} (batch, outcome) and
 * {@code parallelized.batches.active}. Gauges read the runs from the {@link RunRegistry} when the registry is
 * scraped, so they move during a run; the runs with one desc add up under one {@code batch} tag; a finished run
 * counts with its final snapshot for as long as the run registry keeps it, and a batch left without runs loses its
 * meters. Past {@code maxBatches} distinct tags, new descs share the tag {@value #OTHER}. It keeps no runs of its
 * own: only which batch tag each run of the registry counts under.
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
    private final RunRegistry runs;
    private final int maxBatches;
    private final boolean percentilesHistogram;
    /** The histogram's bucket bounds (service-level objectives), when it is on. */
    private final Duration[] buckets;
    /** By batch tag; guarded by {@code this}. */
    private final Map<String, Batch> batches = new HashMap<>();
    /** By run id: the batch each run of the registry counts under. */
    private final Map<String, Member> members = new ConcurrentHashMap<>();
    private final Gauge active;

    MicrometerProgress(MeterRegistry registry, RunRegistry runs, int maxBatches, boolean percentilesHistogram) {
        this(registry, runs, maxBatches, percentilesHistogram, List.of());
    }

    /**
     * @param buckets the task-duration histogram's bucket bounds, used when {@code percentilesHistogram}: a few
     *                fixed bounds instead of Micrometer's percentile histogram (69 buckets per timer from 1 ms to
     *                30 s), so that a batch tag stays within its series budget
     */
    MicrometerProgress(MeterRegistry registry, RunRegistry runs, int maxBatches, boolean percentilesHistogram,
                       List<Duration> buckets) {
        this.registry = registry;
        this.runs = runs;
        this.maxBatches = maxBatches;
        this.percentilesHistogram = percentilesHistogram;
        this.buckets = buckets.toArray(Duration[]::new);
        this.active = Gauge.builder("parallelized.batches.active", this, MicrometerProgress::countLive)
                .description("Runs in progress (runs that have started and not yet finished)")
                .strongReference(true)
                .register(registry);
        runs.onRemoved(this::removed);
    }

    /**
     * One look at each run: a run may leave the registry between two looks (its retention over), and a second look
     * found nothing and threw, which Micrometer turned into a NaN for the scrape.
     */
    private double countLive() {
        long live = 0;
        for (Member member : members.values()) {
            ProgressSnapshot snapshot = member.snapshot();
            if (snapshot != null && snapshot.state() == RunState.RUNNING) {
                live++;
            }
        }
        return live;
    }

    /** One run in a batch; its figures come from the run registry. */
    private final class Member {
        final String runId;
        final Batch batch;

        Member(String runId, Batch batch) {
            this.runId = runId;
            this.batch = batch;
        }

        /** The run's latest snapshot, or null once the registry has let it go. */
        ProgressSnapshot snapshot() {
            return runs.peek(runId).orElse(null);
        }
    }

    /** The meters of one batch tag and the runs that add up in them. */
    private final class Batch {
        final String tag;
        final List<Member> members = new CopyOnWriteArrayList<>();
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
                    .serviceLevelObjectives(percentilesHistogram ? buckets : new Duration[0])
                    .register(registry);
        }

        double sum(ToLongFunction<ProgressSnapshot> count) {
            long sum = 0;
            for (Member member : members) {
                ProgressSnapshot snapshot = member.snapshot();
                if (snapshot != null) {
                    sum += count.applyAsLong(snapshot);
                }
            }
            return sum;
        }

        /** Completed over total of all its runs; NaN while a live run's total is unknown. */
        double fraction() {
            long done = 0;
            long total = 0;
            for (Member member : members) {
                ProgressSnapshot snapshot = member.snapshot();
                if (snapshot == null) {
                    continue;
                }
                done += snapshot.completed();
                if (snapshot.total() >= 0) {
                    total += snapshot.total();
                } else if (snapshot.state() != RunState.RUNNING) {
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
        // by the tag, not the raw desc: two descs that clean up to one tag share its meters, never register twice
        String desc = SafeText.forTag(run.progress().snapshot().description());
        synchronized (this) {
            Batch batch = batches.get(desc);
            if (batch == null) {
                long named = batches.keySet().stream().filter(tag -> !OTHER.equals(tag)).count();
                String tag = named < maxBatches ? desc : OTHER;
                batch = batches.computeIfAbsent(tag, Batch::new);
            }
            Member member = new Member(run.id(), batch);
            batch.members.add(member);
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

    /** The run registry let a run go: it leaves its batch, and a batch without runs leaves the meter registry. */
    private synchronized void removed(String runId) {
        Member member = members.remove(runId);
        if (member == null) {
            return;
        }
        Batch batch = member.batch;
        batch.members.remove(member);
        if (batch.members.isEmpty() && batches.remove(batch.tag, batch)) {
            batch.meters.forEach(registry::remove);
        }
    }

    @Override
    public synchronized void destroy() {
        batches.values().forEach(batch -> batch.meters.forEach(registry::remove));
        batches.clear();
        members.clear();
        registry.remove(active);
    }
}
