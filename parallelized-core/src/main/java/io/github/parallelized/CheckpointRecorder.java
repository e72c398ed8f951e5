package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records a checkpointed run's outcomes ({@link Checkpointing}). {@link #append} (on the thread that delivers each
 * outcome, blocking and asynchronous tasks alike) adds an entry to a buffer; a daemon thread writes the buffer in
 * batches of at most {@link #FLUSH_BATCH} when it holds that many or every {@link #FLUSH_INTERVAL}, and {@link
 * #finish} writes the rest on the thread that ends the run. At most {@link #MAX_UNFLUSHED} entries wait to be
 * written: past that, {@code append} waits for a write (the store sets the pace of a run faster than it). That
 * bounds what a kill loses: the inputs in the admission window plus {@code MAX_UNFLUSHED}.
 *
 * <p>A success's key stays reserved ({@link CheckpointKeys#reserve}) until it is written; a failure's is let go at its
 * outcome. After a failure of the store nothing more is buffered or written ({@link #dropAll}).
 *
 * <p>Thread-safe: the buffer under {@link #lock}, one write at a time under {@link #writing}.
 */
final class CheckpointRecorder {

    /** The most entries written by one {@link CheckpointStore#record} call. */
    static final int FLUSH_BATCH = 500;
    /** The most entries buffered or being written: what a kill can lose beyond the inputs in flight. */
    static final int MAX_UNFLUSHED = 1_000;
    /** A partial batch is written after this long. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
    /** {@link #FLUSH_INTERVAL}, read by a writer thread at its start: tests lengthen it (all to the last write). */
    static volatile long flushIntervalNanos = FLUSH_INTERVAL.toNanos();
    /**
     * How long {@link #finish} waits for a write in progress: twice the JDBC store's statement timeout, so a slow
     * write that times out and reports it is waited for; tests shorten it.
     */
    static volatile long finishWaitNanos = TimeUnit.SECONDS.toNanos(2L * JdbcCheckpointStore.TIMEOUT_SECONDS);

    private final CheckpointStore store;
    private final String runName;
    private final CheckpointKeys<?> keys;
    private final CheckpointState state;

    /** Guards the buffer, the unflushed count and finished; waited on by the flusher and by full appends. */
    private final Object lock = new Object();
    private final ArrayList<CheckpointStore.Entry> buffer = new ArrayList<>();
    private int unflushed;
    private boolean finished;
    /** One write at a time, so that the last write of {@link #finish} follows the flusher's. */
    private final ReentrantLock writing = new ReentrantLock();

    CheckpointRecorder(CheckpointStore store, String runName, CheckpointKeys<?> keys, CheckpointState state) {
        this.store = store;
        this.runName = runName;
        this.keys = keys;
        this.state = state;
    }

    /** Starts the writer thread (a daemon); without one, everything is written by {@link #finish}. */
    void start(String threadName) {
        Thread flusher = new Thread(this::flushLoop, threadName);
        flusher.setDaemon(true);
        try {
            flusher.start();
        } catch (Throwable e) {
            state.storeFailed("start its writer thread", e);
        }
    }

    /** The store failed: nothing buffered is written, and whoever waits for room goes on. */
    void dropAll() {
        synchronized (lock) {
            buffer.clear();
            lock.notifyAll();
        }
    }

    /** An outcome of the run, on the thread that delivers it. */
    void append(Outcome<?, ?> outcome) {
        Object input = outcome.input();
        String key = keys.takeCarried(input);
        if (key == null) {
            if (keys.forgetNoKey(input) || state.failed() || state.over()) {
                return; // failed for want of a key (nothing to record it under), or recording is over
            }
            key = keys.keyOrNull(input); // not met: every input passed on while recording has its key carried
            if (key == null) {
                return;
            }
        }
        Throwable error = outcome.error();
        if (error != null) {
            // not a success: a duplicate read from now on is looked up and runs (a success stays reserved until
            // it is written, so that no duplicate runs meanwhile)
            keys.release(key);
        }
        if (error instanceof CancellationException) {
            return; // never finished: it runs again on a resume
        }
        CheckpointStore.Entry entry = error == null ? CheckpointStore.Entry.success(key, outcome.attempts())
                : CheckpointStore.Entry.failure(key, outcome.attempts(), error);
        boolean interrupted = false;
        while (true) {
            synchronized (lock) {
                if (finished || state.failed()) {
                    break;
                }
                // past the limit only when the run stops (the waiting thread was interrupted): keep the entry
                if (unflushed < MAX_UNFLUSHED || interrupted) {
                    buffer.add(entry);
                    unflushed++;
                    if (buffer.size() == FLUSH_BATCH) {
                        lock.notifyAll();
                    }
                    break;
                }
            }
            try {
                // told to a ForkJoinPool whose thread delivers the outcome (Hazelcast's async executor delivers a
                // cluster run's): it runs its other tasks on a spare thread meanwhile, among them the completion of
                // the very write this waits for
                ForkJoinPool.managedBlock(room);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A wait for room in the buffer: one bounded wait at a time (the store's calls time out, a failure ends it). */
    private final ForkJoinPool.ManagedBlocker room = new ForkJoinPool.ManagedBlocker() {
        @Override
        public boolean block() throws InterruptedException {
            synchronized (lock) {
                if (!isReleasable()) {
                    lock.wait(100);
                }
            }
            return true;
        }

        @Override
        public boolean isReleasable() {
            synchronized (lock) {
                return unflushed < MAX_UNFLUSHED || finished || state.failed();
            }
        }
    };

    private void flushLoop() {
        long intervalNanos = flushIntervalNanos;
        long due = System.nanoTime() + intervalNanos;
        while (true) {
            synchronized (lock) {
                while (!finished && !state.failed() && buffer.size() < FLUSH_BATCH) {
                    long wait = due - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, wait);
                    } catch (InterruptedException e) {
                        return; // nobody interrupts it; if someone does, finish() writes the rest
                    }
                }
                if (finished || state.failed()) {
                    return;
                }
            }
            due = System.nanoTime() + intervalNanos;
            flush(false);
        }
    }

    /**
     * The run is over: what is buffered is written on this thread, before the run's end is reported further. A write
     * of the flusher still in progress is waited for at most {@link #finishWaitNanos}: a store that never answers (a
     * database that shut down under H2's exclusive mode, a store of one's own that blocks) must not hold the run's
     * {@code close()} for ever; the store is then failed, naming what is not recorded.
     */
    void finish() {
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
        // a stopped run's consumer may carry its interrupt here: the wait stays bounded and is not cut short (a timed
        // tryLock throws at once on an interrupted thread: that failed the store as if a write had not ended in time,
        // every buffered outcome unrecorded); the flag is set again once the last write is done
        boolean interrupted = Thread.interrupted();
        try {
            boolean locked;
            long deadline = System.nanoTime() + finishWaitNanos;
            while (true) {
                try {
                    locked = writing.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!locked) {
                int left;
                synchronized (lock) {
                    left = unflushed;
                }
                state.storeFailed("finish recording (a write did not end within " + Durations.format(
                        java.time.Duration.ofNanos(finishWaitNanos)) + "; " + left + " outcomes not recorded)",
                        new java.util.concurrent.TimeoutException("the checkpoint store's write did not return"));
                return;
            }
            try {
                flush(true);
            } finally {
                writing.unlock();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes one batch, or with {@code all} every buffered entry; one write at a time. */
    private void flush(boolean all) {
        writing.lock();
        try {
            do {
                List<CheckpointStore.Entry> taken;
                synchronized (lock) {
                    if (buffer.isEmpty() || state.failed()) {
                        return;
                    }
                    int n = Math.min(FLUSH_BATCH, buffer.size());
                    taken = new ArrayList<>(buffer.subList(0, n));
                    buffer.subList(0, n).clear();
                }
                List<CheckpointStore.Entry> batch = merged(taken);
                try {
                    store.record(runName, batch);
                } catch (Throwable e) {
                    state.storeFailed("record " + batch.size() + " outcomes", e);
                    return;
                }
                for (CheckpointStore.Entry entry : batch) {
                    if (entry.succeeded()) {
                        keys.release(entry.key());
                    }
                }
                synchronized (lock) {
                    unflushed -= taken.size();
                    lock.notifyAll();
                }
            } while (all);
        } finally {
            writing.unlock();
        }
    }

    /** One entry per key (a key that failed and ran again as a duplicate): attempts added, a success wins. */
    static List<CheckpointStore.Entry> merged(List<CheckpointStore.Entry> entries) {
        Map<String, CheckpointStore.Entry> byKey = new LinkedHashMap<>(entries.size() * 2);
        boolean twice = false;
        for (CheckpointStore.Entry entry : entries) {
            CheckpointStore.Entry before = byKey.putIfAbsent(entry.key(), entry);
            if (before != null) {
                twice = true;
                int attempts = (int) Math.min(Integer.MAX_VALUE, (long) before.attempts() + entry.attempts());
                CheckpointStore.Entry last = entry.succeeded() || !before.succeeded() ? entry : before;
                byKey.put(entry.key(), new CheckpointStore.Entry(entry.key(), last.succeeded(), attempts,
                        last.errorType(), last.message()));
            }
        }
        return twice ? new ArrayList<>(byKey.values()) : entries;
    }
}
