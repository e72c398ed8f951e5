package io.github.parallelized.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Summary;

import org.springframework.beans.factory.DisposableBean;

/**
 * The one registry of the factory's runs, live and recently finished: the actuator endpoint, the meters, the
 * health contributor and shutdown all read it, and none keeps a copy of the runs. A listener of every run the
 * factory builds: a run enters at its start and, once finished, stays for the retention time as its final
 * snapshot (the run itself is let go), then leaves, and those that asked ({@link #onRemoved}) are told.
 *
 * <p>Retention: a finished run is removed by one daemon thread, started on the first need, at its retention
 * time; reads also drop what is overdue, and past {@link #MAX_FINISHED} finished runs the oldest go. Thread-safe;
 * the hot path ({@code onOutcome}) is not used.
 */
final class RunRegistry implements ParallelizedRuns, ProgressReporter, DisposableBean {

    /** Finished runs kept at most, however short their retention, so that a busy service cannot grow it. */
    static final int MAX_FINISHED = 1000;

    private final long retentionNanos;
    private final AtomicLong order = new AtomicLong();
    private final Map<String, Entry> runs = new ConcurrentHashMap<>();
    private final Object finishedSignal = new Object();
    private final List<Consumer<String>> removalListeners = new CopyOnWriteArrayList<>();
    private volatile boolean shuttingDown;
    /** Removes finished runs at their retention time; guarded by {@code this}. */
    private ScheduledThreadPoolExecutor remover;
    private boolean closed;

    RunRegistry(Duration retention) {
        this.retentionNanos = retention.toNanos();
    }

    /** Tells {@code listener} the id of every run that leaves the registry (its retention is over). */
    void onRemoved(Consumer<String> listener) {
        removalListeners.add(listener);
    }

    /** One run: live while {@code run} is set, then its final snapshot. */
    private static final class Entry {
        final long order;
        volatile Parallelized<?, ?> run;
        volatile ProgressSnapshot last;
        volatile long finishedAt;

        Entry(long order, Parallelized<?, ?> run) {
            this.order = order;
            this.run = run;
        }

        ProgressSnapshot snapshot() {
            Parallelized<?, ?> live = run;
            return live != null ? live.progress().snapshot() : last;
        }
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        prune();
        runs.put(run.id(), new Entry(order.incrementAndGet(), run));
        if (shuttingDown) {
            run.cancel();
        }
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        Entry entry = runs.get(snapshot.id());
        if (entry != null) {
            entry.last = snapshot;
            entry.finishedAt = System.nanoTime();
            entry.run = null;
        }
        synchronized (finishedSignal) {
            finishedSignal.notifyAll();
        }
        prune();
        if (entry != null && retentionNanos > 0) {
            scheduleRemoval(snapshot.id());
        }
    }

    private synchronized void scheduleRemoval(String id) {
        if (closed) {
            return;
        }
        if (remover == null) {
            remover = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "parallelized-runs-retention");
                thread.setDaemon(true);
                return thread;
            });
            remover.setRemoveOnCancelPolicy(true);
        }
        remover.schedule(this::prune, retentionNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void destroy() {
        closed = true;
        if (remover != null) {
            remover.shutdownNow();
        }
    }

    /** The latest snapshot of a run, without dropping overdue ones: for the meters, read on every scrape. */
    Optional<ProgressSnapshot> peek(String id) {
        Entry entry = runs.get(id);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.snapshot());
    }

    /** Live runs in start order, then finished ones, the latest first. */
    List<ProgressSnapshot> snapshots() {
        prune();
        List<Entry> live = new ArrayList<>();
        List<Entry> finished = new ArrayList<>();
        runs.values().forEach(entry -> (entry.run != null ? live : finished).add(entry));
        live.sort(Comparator.comparingLong(entry -> entry.order));
        finished.sort(Comparator.comparingLong((Entry entry) -> entry.finishedAt).reversed());
        List<ProgressSnapshot> all = new ArrayList<>(live.size() + finished.size());
        live.forEach(entry -> all.add(entry.snapshot()));
        finished.forEach(entry -> all.add(entry.snapshot()));
        return all;
    }

    Optional<ProgressSnapshot> snapshot(String id) {
        prune();
        Entry entry = runs.get(id);
        return entry == null ? Optional.empty() : Optional.of(entry.snapshot());
    }

    @Override
    public List<ProgressSnapshot> list() {
        return snapshots();
    }

    @Override
    public Optional<ProgressSnapshot> find(String id) {
        return snapshot(id);
    }

    @Override
    public int activeCount() {
        int count = 0;
        for (Entry entry : runs.values()) {
            if (entry.run != null) {
                count++;
            }
        }
        return count;
    }

    /** Cancels a live run; a finished one is left as it is. Empty for an unknown id. */
    @Override
    public Optional<ProgressSnapshot> cancel(String id) {
        prune();
        Entry entry = runs.get(id);
        if (entry == null) {
            return Optional.empty();
        }
        Parallelized<?, ?> live = entry.run;
        if (live != null) {
            live.cancel();
        }
        return Optional.of(entry.snapshot());
    }

    List<Parallelized<?, ?>> live() {
        List<Parallelized<?, ?>> live = new ArrayList<>();
        runs.values().forEach(entry -> {
            Parallelized<?, ?> run = entry.run;
            if (run != null) {
                live.add(run);
            }
        });
        return live;
    }

    /** From now on, a run that starts is cancelled at once: the application is going down. */
    void beginShutdown() {
        shuttingDown = true;
    }

    /** The context started again after a stop: runs that start run again. */
    void endShutdown() {
        shuttingDown = false;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Waits until every live run has finished or, when {@code orIdle}, at least has no task running any more.
     *
     * @return true if that happened before the deadline
     */
    boolean awaitLive(long deadlineNanos, boolean orIdle) {
        synchronized (finishedSignal) {
            while (true) {
                boolean done = live().stream()
                        .allMatch(run -> orIdle && run.progress().snapshot().running() == 0);
                if (done) {
                    return true;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    // woken by onFinish; tasks that merely stop running send no signal, so look again soon
                    TimeUnit.NANOSECONDS.timedWait(finishedSignal, orIdle ? Math.min(left, 10_000_000L) : left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private void prune() {
        long now = System.nanoTime();
        List<Entry> finished = new ArrayList<>();
        runs.forEach((id, entry) -> {
            if (entry.run == null && entry.last != null) {
                if (now - entry.finishedAt >= retentionNanos) {
                    remove(id, entry);
                } else {
                    finished.add(entry);
                }
            }
        });
        if (finished.size() > MAX_FINISHED) {
            finished.sort(Comparator.comparingLong(entry -> entry.finishedAt));
            finished.subList(0, finished.size() - MAX_FINISHED).forEach(entry -> remove(entry.last.id(), entry));
        }
    }

    private void remove(String id, Entry entry) {
        if (runs.remove(id, entry)) {
            removalListeners.forEach(listener -> listener.accept(id));
        }
    }
}
