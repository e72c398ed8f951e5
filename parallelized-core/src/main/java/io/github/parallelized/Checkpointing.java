package io.github.parallelized;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The checkpoint of one run ({@link Parallelized.Builder#checkpoint}), applied around the engine, which knows
 * nothing of it. Three parts, in the order an input meets them:
 *
 * <ol>
 *   <li><b>Skipping</b>: the run's source is wrapped in a {@link Skipping} iterator that reads inputs, computes
 *   their keys and looks them up in the store in batches, passing on only those without a recorded success. The
 *   engine reads its source under its read lock, so the iterator is used by one thread at a time.</li>
 *   <li><b>The task function</b> is wrapped so that an input whose key cannot be computed (the key function threw
 *   or returned null) fails with an error naming the key function, and the run goes on.</li>
 *   <li><b>Recording</b>: this object is a {@link ProgressReporter} registered beside the user's listeners; its
 *   {@link #onOutcome} (on the thread that delivers each outcome, blocking and asynchronous tasks alike) appends
 *   an entry to a buffer; a daemon thread writes the buffer in batches of at most {@link #FLUSH_BATCH} when it
 *   holds that many or every {@link #FLUSH_INTERVAL}, and {@link #onFinish} writes the rest on the thread that
 *   ends the run. At most {@link #MAX_UNFLUSHED} entries wait to be written: past that, {@code onOutcome} waits
 *   for a write (the store sets the pace of a run faster than it). That bounds what a kill loses: the inputs in
 *   the admission window plus {@code MAX_UNFLUSHED}.</li>
 * </ol>
 *
 * <p>Duplicate keys: the keys passed on and not yet known to have failed or to be written as succeeded (at most the
 * window plus {@code MAX_UNFLUSHED}) are held in {@link #inFlight}; an input whose key is there is skipped, as one
 * whose key succeeded is. A key is reserved there before it is looked up, let go at a failure's outcome, and at a
 * success only after it is written, so a duplicate read while its twin's success is written is found either in
 * the set or in the store. No set of all keys is kept.
 *
 * <p>A failing store: the first exception of a lookup or a write stops recording and fails the run with a
 * {@link ParallelizedException} naming the store; the inputs read but not looked up are passed on unchecked (the
 * run has stopped: they come back through {@link Parallelized#remaining()}), and nothing is written after it.
 */
final class Checkpointing<I> implements ProgressReporter {

    /** The most entries written by one {@link CheckpointStore#record} call. */
    static final int FLUSH_BATCH = 500;
    /** The most entries buffered or being written: what a kill can lose beyond the inputs in flight. */
    static final int MAX_UNFLUSHED = 1_000;
    /** A partial batch is written after this long. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
    /** The largest batch of keys looked up at once. */
    static final int MAX_LOOKUP = 2_048;
    /** Reading the source for longer than this ends a lookup batch: a slow source's inputs are not held back. */
    static final long READ_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final Log LOG = Log.named("io.github.parallelized.checkpoint");

    private final CheckpointStore store;
    private final String runName;
    private final Function<? super I, String> keyFunction;
    /** Keys passed on by the source and not yet written or let go (see the class comment). */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile Run<?, ?> run;
    /** Inputs skipped: written under the engine's read lock, read by progress from any thread. */
    private volatile long skipped;

    /** Guards the buffer, the unflushed count and finished; waited on by the flusher and by full appends. */
    private final Object lock = new Object();
    private final ArrayList<CheckpointStore.Entry> buffer = new ArrayList<>();
    private int unflushed;
    private boolean finished;
    private volatile boolean storeFailed;
    /** One write at a time, so that the last write of {@link #onFinish} follows the flusher's. */
    private final Object writing = new Object();
    /** The run's thread name prefix: the writer thread is named after it. */
    private String threadNamePrefix = "parallelized-";

    Checkpointing(CheckpointStore store, String runName, Function<? super I, String> keyFunction) {
        this.store = store;
        this.runName = runName;
        this.keyFunction = keyFunction;
    }

    /** Starts a run with the checkpoint applied: the source filtered, the function wrapped, the recorder listening. */
    <R> Parallelized<I, R> start(TaskFunction<? super I, ? extends R> function,
                                 AsyncTaskFunction<? super I, ? extends R> asyncFunction, TaskSource<I> source,
                                 RunOptions options, LimitOptions limits) {
        RunConfig config = options.toConfig(limits, this);
        threadNamePrefix = config.threadNamePrefix();
        TaskFunction<I, R> checkedFunction = function == null ? null : input -> {
            keyOrFail(input);
            return function.apply(input);
        };
        AsyncTaskFunction<I, R> checkedAsync = asyncFunction == null ? null : input -> {
            keyOrFail(input);
            @SuppressWarnings("unchecked")
            CompletionStage<R> stage = (CompletionStage<R>) asyncFunction.apply(input);
            return stage;
        };
        TaskSource<I> filtered = source.claim().filtered(new Skipping(source.iterator()), () -> skipped);
        return Run.start(checkedFunction, checkedAsync, filtered, config);
    }

    /** The key of an input, or null when the key function throws or returns null. */
    private String keyOrNull(I input) {
        try {
            return keyFunction.apply(input);
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    private void keyOrFail(I input) {
        String key;
        try {
            key = keyFunction.apply(input);
        } catch (RuntimeException | Error e) {
            throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                    + "' failed for this input: " + Errors.describe(e, false), e);
        }
        if (key == null) {
            throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                    + "' returned null for this input: every input needs a key");
        }
    }

    // ---------------------------------------------------------------- skipping

    /**
     * The source as the engine sees it: the inputs without a recorded success. Reads a batch, then looks it up. The
     * batch adapts as the engine's claims do: it doubles (up to {@link #MAX_LOOKUP}) while a whole batch is read
     * within {@link #READ_SLICE_NANOS}, and halves when the slice runs out first; a read past the slice ends the
     * batch, so the inputs of a slow source are looked up and passed on at once. A source that blocks in
     * {@code hasNext()} right after a fast run of inputs holds that batch back until it answers (as it holds back
     * the engine's own claim); a reader thread would avoid it at the cost of a thread per run and of reading the
     * source on a thread that the run cannot hand back to {@code remaining()}.
     */
    private final class Skipping implements Iterator<I> {

        private final Iterator<? extends I> source;
        private final ArrayDeque<I> ready = new ArrayDeque<>();
        private int batch = 1;
        private boolean drained;
        /** A failure of the source after some inputs of a batch were read: thrown once those are passed on. */
        private Throwable sourceFailure;

        Skipping(Iterator<? extends I> source) {
            this.source = source;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty()) {
                if (sourceFailure != null) {
                    Throwable failure = sourceFailure;
                    sourceFailure = null;
                    drained = true;
                    throwUnchecked(failure);
                }
                if (drained) {
                    return false;
                }
                fill();
            }
            return true;
        }

        @Override
        public I next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the source has no more inputs");
            }
            return ready.removeFirst();
        }

        private void fill() {
            List<I> read = new ArrayList<>(Math.min(batch, 64));
            long start = System.nanoTime();
            boolean slow = false;
            try {
                while (read.size() < batch) {
                    if (!source.hasNext()) {
                        drained = true;
                        break;
                    }
                    read.add(source.next());
                    if (System.nanoTime() - start > READ_SLICE_NANOS) {
                        slow = true;
                        break;
                    }
                }
            } catch (Throwable e) {
                if (read.isEmpty()) {
                    throwUnchecked(e);
                }
                sourceFailure = e;
            }
            batch = slow ? Math.max(1, batch / 2) : read.size() == batch ? Math.min(MAX_LOOKUP, batch * 2) : batch;
            if (storeFailed) {
                ready.addAll(read); // the run has stopped: the rest goes back unchecked
                return;
            }
            lookUp(read);
        }

        /** Passes on, in source order, the inputs whose key has no success and is not in flight in this run. */
        private void lookUp(List<I> read) {
            String[] keys = new String[read.size()];
            boolean[] duplicate = new boolean[keys.length];
            List<String> reserved = new ArrayList<>(read.size());
            for (int i = 0; i < keys.length; i++) {
                String key = keyOrNull(read.get(i));
                if (key != null && inFlight.add(key)) {
                    keys[i] = key;
                    reserved.add(key);
                } else if (key != null) {
                    duplicate[i] = true; // a duplicate of a key in flight in this run: skipped
                }
            }
            Set<String> succeeded;
            try {
                succeeded = reserved.isEmpty() ? Set.of() : store.succeededAmong(runName, reserved);
            } catch (Throwable e) {
                reserved.forEach(inFlight::remove);
                ready.addAll(read);
                storeFailed("look up " + reserved.size() + " keys", e);
                return;
            }
            long skippedNow = 0;
            for (int i = 0; i < keys.length; i++) {
                String key = keys[i];
                if (duplicate[i]) {
                    skippedNow++;
                } else if (key == null) {
                    ready.add(read.get(i)); // its task fails, naming the key function
                } else if (succeeded.contains(key)) {
                    inFlight.remove(key);
                    skippedNow++;
                } else {
                    ready.add(read.get(i));
                }
            }
            if (skippedNow > 0) {
                skipped += skippedNow; // one writer at a time: the engine's read lock
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwUnchecked(Throwable error) throws E {
        throw (E) error;
    }

    // ---------------------------------------------------------------- recording

    @Override
    public void onStart(Parallelized<?, ?> started) {
        this.run = (Run<?, ?>) started;
        Thread flusher = new Thread(this::flushLoop, threadNamePrefix + "checkpoint-" + started.id());
        flusher.setDaemon(true);
        try {
            flusher.start();
        } catch (Throwable e) {
            storeFailed("start its writer thread", e);
        }
    }

    @Override
    public void onOutcome(String runId, Outcome<?, ?> outcome) {
        try {
            append(outcome);
        } catch (Throwable e) {
            storeFailed("record an outcome", e);
        }
    }

    private void append(Outcome<?, ?> outcome) {
        @SuppressWarnings("unchecked")
        I input = (I) outcome.input();
        String key = keyOrNull(input);
        if (key == null) {
            return; // the input failed for want of a key: nothing to record it under
        }
        Throwable error = outcome.error();
        if (error != null) {
            // not a success: a duplicate read from now on is looked up and runs (a success stays reserved until
            // it is written, so that no duplicate runs meanwhile)
            inFlight.remove(key);
        }
        if (error instanceof CancellationException) {
            return; // never finished: it runs again on a resume
        }
        CheckpointStore.Entry entry = error == null ? CheckpointStore.Entry.success(key, outcome.attempts())
                : CheckpointStore.Entry.failure(key, outcome.attempts(), error);
        boolean interrupted = false;
        synchronized (lock) {
            while (unflushed >= MAX_UNFLUSHED && !finished && !storeFailed) {
                try {
                    lock.wait(100); // bounded: the store's calls time out, and a failure ends the wait
                } catch (InterruptedException e) {
                    interrupted = true; // the run stops: keep the entry, past the limit
                    break;
                }
            }
            if (finished || storeFailed) {
                return;
            }
            buffer.add(entry);
            unflushed++;
            if (buffer.size() == FLUSH_BATCH) {
                lock.notifyAll();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void flushLoop() {
        long intervalNanos = FLUSH_INTERVAL.toNanos();
        long due = System.nanoTime() + intervalNanos;
        while (true) {
            synchronized (lock) {
                while (!finished && !storeFailed && buffer.size() < FLUSH_BATCH) {
                    long wait = due - System.nanoTime();
                    if (wait <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, wait);
                    } catch (InterruptedException e) {
                        return; // nobody interrupts it; if someone does, onFinish writes the rest
                    }
                }
                if (finished || storeFailed) {
                    return;
                }
            }
            due = System.nanoTime() + intervalNanos;
            flush(false);
        }
    }

    /** Writes one batch, or with {@code all} every buffered entry; one write at a time. */
    private void flush(boolean all) {
        synchronized (writing) {
            do {
                List<CheckpointStore.Entry> taken;
                synchronized (lock) {
                    if (buffer.isEmpty() || storeFailed) {
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
                    storeFailed("record " + batch.size() + " outcomes", e);
                    return;
                }
                for (CheckpointStore.Entry entry : batch) {
                    if (entry.succeeded()) {
                        inFlight.remove(entry.key());
                    }
                }
                synchronized (lock) {
                    unflushed -= taken.size();
                    lock.notifyAll();
                }
            } while (all);
        }
    }

    /** One entry per key (a key that failed and ran again as a duplicate): attempts added, a success wins. */
    private static List<CheckpointStore.Entry> merged(List<CheckpointStore.Entry> entries) {
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

    /** The run is over: what is buffered is written on this thread, before the run's end is reported further. */
    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
        flush(true);
    }

    /** The first failure of the store stops recording and fails the run, naming the store. */
    private void storeFailed(String what, Throwable error) {
        synchronized (lock) {
            if (storeFailed) {
                return;
            }
            storeFailed = true;
            buffer.clear();
            lock.notifyAll();
        }
        ParallelizedException failure = new ParallelizedException("the checkpoint store " + store + " failed to "
                + what + " of run '" + runName + "': " + Errors.describe(error, false)
                + "; nothing more is recorded, and a resume runs every input whose success was not recorded", error);
        LOG.warn("{}", failure.getMessage());
        Run<?, ?> current = run;
        if (current != null) {
            current.fail(failure);
        }
    }

    @Override
    public String toString() {
        return "checkpoint '" + runName + "' in " + store;
    }

    static void checkRunName(String runName) {
        Objects.requireNonNull(runName, "runName");
        if (runName.isBlank()) {
            throw new IllegalArgumentException("runName must not be blank");
        }
    }
}
