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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The checkpoint of one run ({@link Parallelized.Builder#checkpoint}), applied around the engine, which knows
 * nothing of it. Three parts, in the order an input meets them:
 *
 * <ol>
 *   <li><b>Skipping</b>: the run's source is wrapped in a {@link Skipping} iterator. A reader thread of the run
 *   reads the source into batches; each batch's keys are computed (the only call of the key function per input)
 *   and looked up in one call of the store, by the reader or by the engine's reading thread, whichever gets to it
 *   first; the inputs without a recorded success are handed to the engine in source order. The engine reads its
 *   source under its read lock, so {@code hasNext()} and {@code next()} are called by one thread at a time.</li>
 *   <li><b>The task function</b> is wrapped so that an input whose key could not be computed (the key function
 *   threw or returned null) or cannot be recorded (longer than {@link #MAX_KEY}, or with a NUL) fails with an
 *   error naming the key function, and the run goes on.</li>
 *   <li><b>Keys travel with their inputs</b>: the key computed at the lookup is carried, by input identity, to the
 *   input's outcome ({@link #carried}); so the key function runs once per input read, whatever happens to it.</li>
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
 * window, the read-ahead and {@code MAX_UNFLUSHED}) are held in {@link #inFlight}. A key is reserved there before
 * it is looked up, let go at a failure's outcome, and at a success only after it is written, so a duplicate is found
 * either in the set or in the store. A duplicate met at the lookup is resolved when the engine takes it, as if read
 * then ({@code Skipping.resolveTwin}): skipped while its twin is in flight or succeeded, run once its twin failed.
 * No set of all keys is kept.
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
    /** The longest run name and key every store holds as they are (the JDBC store's columns). */
    static final int MAX_RUN_NAME = 200;
    static final int MAX_KEY = 1_000;
    /** A partial batch is written after this long. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);

    private static final Log LOG = Log.named("io.github.parallelized.checkpoint");

    private final CheckpointStore store;
    private final String runName;
    private final Function<? super I, String> keyFunction;
    /** Keys passed on by the source and not yet written or let go (see the class comment). */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile Run<?, ?> run;
    /** Inputs skipped: written under the filter's monitor, read by progress from any thread. */
    private volatile long skipped;

    /** Guards the buffer, the unflushed count and finished; waited on by the flusher and by full appends. */
    private final Object lock = new Object();
    private final ArrayList<CheckpointStore.Entry> buffer = new ArrayList<>();
    private int unflushed;
    private boolean finished;
    /** Set when the run finished ({@link #onFinish}): nothing more is recorded, reserved or carried. */
    private volatile boolean over;
    private volatile boolean storeFailed;
    /** One write at a time, so that the last write of {@link #onFinish} follows the flusher's. */
    private final Object writing = new Object();
    /** The run's thread name prefix: the writer and reader threads are named after it. */
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
            refuseWithoutKey(input);
            return function.apply(input);
        };
        AsyncTaskFunction<I, R> checkedAsync = asyncFunction == null ? null : input -> {
            refuseWithoutKey(input);
            @SuppressWarnings("unchecked")
            CompletionStage<R> stage = (CompletionStage<R>) asyncFunction.apply(input);
            return stage;
        };
        Skipping filter = new Skipping(source.iterator());
        skipping = filter;
        TaskSource<I> filtered = source.claim().filtered(filter, () -> skipped);
        return Run.start(checkedFunction, checkedAsync, filtered, config);
    }

    // ---------------------------------------------------------------- keys, computed once per input

    /** The key of an input, or null when the key function throws or returns null. */
    private String keyOrNull(I input) {
        try {
            String key = keyFunction.apply(input);
            return key == null || refusedKey(key) != null ? null : key;
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    /**
     * An input by identity: the key of an input that passed the filter is carried to its outcome under it, so that
     * the key function runs once per input (inputs need not implement equals, and equal inputs may be distinct).
     */
    private static final class Ref {
        private final Object input;
        private final int hash;

        Ref(Object input) {
            this.input = input;
            this.hash = System.identityHashCode(input);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Ref ref && ref.input == input;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** A key the key function returned and no store can hold as it is (see {@link #refusedKey}). */
    private static final class KeyRefused extends IllegalArgumentException {
        KeyRefused(String why) {
            super(why, null);
        }
    }

    /** Why an input has no key (its key function threw, or returned null), and how many of it are in the run. */
    private record NoKey(Throwable cause, int count) {
    }

    /**
     * The inputs passed on whose key function threw or returned null, by identity (a count for the same instance
     * read twice): their task fails naming the key function. Rare; emptied as their outcomes come.
     */
    private final Map<Ref, NoKey> withoutKey = new ConcurrentHashMap<>();
    /** Set once the first input without a key is passed on: until then the task wrapper looks at nothing else. */
    private volatile boolean anyWithoutKey;

    private void noKey(I input, Throwable cause) {
        anyWithoutKey = true;
        withoutKey.compute(new Ref(input), (ref, known) -> new NoKey(cause, known == null ? 1 : known.count() + 1));
    }

    /** Called by the recorder at the outcome of an input: true when it was one without a key (then forgotten). */
    private boolean forgetNoKey(Object input) {
        if (!anyWithoutKey) {
            return false;
        }
        boolean[] found = new boolean[1];
        withoutKey.computeIfPresent(new Ref(input), (ref, known) -> {
            found[0] = true;
            return known.count() <= 1 ? null : new NoKey(known.cause(), known.count() - 1);
        });
        return found[0];
    }

    /** The task wrapper: an input whose key could not be computed fails, naming the key function. */
    private void refuseWithoutKey(I input) {
        if (!anyWithoutKey) {
            return;
        }
        NoKey noKey = withoutKey.get(new Ref(input));
        if (noKey == null) {
            return;
        }
        if (noKey.cause() instanceof KeyRefused refused) {
            throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                    + "' returned a key that cannot be recorded for this input: " + refused.getMessage());
        }
        if (noKey.cause() != null) {
            throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                    + "' failed for this input: " + Errors.describe(noKey.cause(), false), noKey.cause());
        }
        throw new IllegalArgumentException("the checkpoint key function of run '" + runName
                + "' returned null for this input: every input needs a key");
    }

    /**
     * The keys of the inputs passed on, by input identity, from the filter to their outcome (see {@link Ref}): at
     * most the admission window plus the filter's read-ahead, emptied as the outcomes come and when the run ends.
     */
    private final Map<Ref, String> carried = new ConcurrentHashMap<>();

    // ---------------------------------------------------------------- skipping

    /** Inputs looked up in one call of the store, at most. */
    static final int LOOKUP_BATCH = 1_024;
    /** Inputs read ahead of the engine, at most: read, being looked up, or passed on and not yet taken. */
    static final int MAX_AHEAD = 4 * LOOKUP_BATCH;
    /**
     * An input read waits at most this long for its batch to fill before the engine's reading thread looks up the
     * batch as it is: whatever the source's next read does, an input read reaches a worker within this plus a lookup.
     */
    static final long HANDOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The filter, for {@link #onFinish} to stop its reader. */
    private volatile Skipping skipping;

    /** An input whose key was in flight in this run when it was looked up. */
    private record Twin(Object input, String key) {
    }

    /** One batch of inputs in source order, from its reading through its lookup to its hand-over. */
    private static final class Batch<I> {
        static final int OPEN = 0;
        static final int CLOSED = 1;
        static final int LOOKING = 2;
        static final int DONE = 3;

        final ArrayList<I> inputs = new ArrayList<>();
        /** When its first input was read. */
        long firstRead;
        int state = OPEN;
        /** After the lookup: the inputs to pass on, in source order; a {@link Twin} for a duplicate key. */
        List<Object> passed;
        /** The source failed right after these inputs: thrown to the engine once they are passed on. */
        Throwable failure;
    }

    /**
     * The source as the engine sees it: the inputs without a recorded success, in source order. A reader thread of
     * the run reads the source into batches of up to {@link #LOOKUP_BATCH}; a batch is looked up in one call of the
     * store once it is full, by whichever thread gets to it first: the engine's reading thread (which alone calls
     * {@link #hasNext()}, under the engine's read lock) or the reader while it may not read further (at most
     * {@link #MAX_AHEAD} inputs ahead). So reading and two lookups run at once, and the batches are handed over in
     * source order.
     *
     * <p>A slow or blocking source: an input read is in a batch at once, never held by the reading thread; the
     * engine's thread waits at most {@link #HANDOFF_NANOS} for the batch of the oldest input read to fill, then
     * looks up the batch as it is. So an input read reaches a worker within about that, whatever the next read
     * does. A reader thread reads the source off the run's workers; once the run has finished, it stops (a read
     * under way first ends and its input is kept), and the engine's thread reads what {@link Parallelized#remaining()}
     * asks for itself, under {@link #sourceLock}, looked up as before: the source is never read by two threads
     * at once, and inputs come back in source order.
     */
    private final class Skipping implements Iterator<I> {

        private final Iterator<? extends I> source;
        /** Held while the source is read: by the reader, or once it ended by the engine's reading thread. */
        private final ReentrantLock sourceLock = new ReentrantLock();

        // Guarded by this: the batches read and not yet handed over, and the reader's state.
        private final ArrayDeque<Batch<I>> batches = new ArrayDeque<>();
        /** Inputs in {@link #batches}. */
        private int ahead;
        /** The source said it has no more, or failed (then as the failure of the last batch). */
        private boolean drained;
        private Thread reader;
        private boolean readerEnded;
        /** The run finished: the reader reads nothing more. */
        private boolean stopReading;
        /** The engine's thread waits for a batch: the reader wakes it at the first input of a batch. */
        private boolean takerWaiting;

        // The engine's reading thread only (under the engine's read lock).
        /** Inputs to hand over in order; a {@link Twin} is resolved when it comes first. */
        private final ArrayDeque<Object> ready = new ArrayDeque<>();
        private Throwable pendingFailure;
        private boolean failed;

        Skipping(Iterator<? extends I> source) {
            this.source = source;
        }

        @Override
        public boolean hasNext() {
            while (true) {
                if (!ready.isEmpty()) {
                    if (!(ready.peekFirst() instanceof Twin) || resolveTwin()) {
                        return true;
                    }
                    continue;
                }
                if (pendingFailure != null) {
                    Throwable failure = pendingFailure;
                    pendingFailure = null;
                    failed = true;
                    throwUnchecked(failure);
                }
                if (failed || !takeBatch()) {
                    return false;
                }
            }
        }

        @Override
        public I next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the source has no more inputs");
            }
            @SuppressWarnings("unchecked")
            I input = (I) ready.removeFirst();
            return input;
        }

        /**
         * The first ready input is a duplicate of a key that was in flight when its batch was looked up: resolved
         * now that the engine takes it, as if it had been read now. Its twin still in flight (not failed, or its
         * success not yet written): skipped (false). Else it is reserved and looked up alone, as a batch would be:
         * skipped if its twin succeeded meanwhile (false), passed on otherwise (true, the input in its place).
         */
        private boolean resolveTwin() {
            Twin twin = (Twin) ready.removeFirst();
            if (over || storeFailed) {
                ready.addFirst(twin.input()); // the run finished or failed: back unchecked, as the rest
                return true;
            }
            if (inFlight.add(twin.key())) {
                boolean succeeded;
                try {
                    succeeded = store.succeededAmong(runName, List.of(twin.key())).contains(twin.key());
                } catch (Throwable e) {
                    inFlight.remove(twin.key());
                    lookupFailed("look up 1 key", e);
                    ready.addFirst(twin.input());
                    return true;
                }
                if (!succeeded) {
                    carried.put(new Ref(twin.input()), twin.key());
                    ready.addFirst(twin.input());
                    return true;
                }
                inFlight.remove(twin.key());
            }
            synchronized (this) {
                skipped++;
            }
            return false;
        }

        /**
         * Hands over the next batch in source order into {@link #ready}, looking up a batch on this thread when
         * one waits for it; false once the source has no more. Waits only for the reader (bounded by the source's
         * read) and for a lookup of the reader (bounded by the store's).
         */
        private boolean takeBatch() {
            startReader();
            boolean interrupted = false;
            try {
                while (true) {
                    Batch<I> mine = null;
                    boolean readHere = false;
                    synchronized (this) {
                        Batch<I> head = batches.peekFirst();
                        if (head != null && head.state == Batch.DONE) {
                            batches.removeFirst();
                            ahead -= head.inputs.size();
                            notifyAll(); // room for the reader
                            ready.addAll(head.passed);
                            pendingFailure = head.failure;
                            return true;
                        }
                        if (head == null && drained) {
                            return false;
                        }
                        mine = claimClosed();
                        if (mine == null && head != null && head.state == Batch.OPEN && !head.inputs.isEmpty()) {
                            long waited = System.nanoTime() - head.firstRead;
                            if (waited >= HANDOFF_NANOS || readerEnded) {
                                head.state = Batch.LOOKING; // the reader is slow or blocked: this one as it is
                                mine = head;
                            } else {
                                interrupted |= waitHere(HANDOFF_NANOS - waited);
                                continue;
                            }
                        }
                        if (mine == null) {
                            if (head == null && readerEnded) {
                                readHere = true; // the run finished: remaining() reads on this thread
                            } else {
                                takerWaiting = true;
                                try {
                                    interrupted |= waitHere(TimeUnit.MILLISECONDS.toNanos(100));
                                } finally {
                                    takerWaiting = false;
                                }
                                continue;
                            }
                        }
                    }
                    if (readHere) {
                        readHere();
                    } else {
                        lookUp(mine);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Under this: a timed wait; an interrupt is kept for later (the engine gets its inputs or the source's end). */
        private boolean waitHere(long nanos) {
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, nanos));
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        }

        /** Under this: the oldest batch that is full and waits for its lookup, now claimed; or null. */
        private Batch<I> claimClosed() {
            for (Batch<I> batch : batches) {
                if (batch.state == Batch.CLOSED) {
                    batch.state = Batch.LOOKING;
                    return batch;
                }
            }
            return null;
        }

        /** Under this: the batch that the next input read goes to. */
        private Batch<I> openTail() {
            Batch<I> tail = batches.peekLast();
            if (tail == null || tail.state != Batch.OPEN) {
                tail = new Batch<>();
                batches.addLast(tail);
            }
            return tail;
        }

        private synchronized void startReader() {
            if (reader != null || readerEnded) {
                return;
            }
            if (stopReading) {
                readerEnded = true; // finished before the first read: remaining() reads on its own thread
                return;
            }
            Thread thread = new Thread(this::readLoop, threadNamePrefix + "checkpoint-reader-" + runName);
            thread.setDaemon(true);
            reader = thread;
            try {
                thread.start();
            } catch (Throwable e) {
                readerEnded = true; // no thread to be had: the engine's thread reads the source itself
            }
        }

        /** The run finished: the reader reads nothing more (a read under way ends first; its input is kept). */
        synchronized void stopReading() {
            stopReading = true;
            notifyAll();
        }

        /** The reader thread: reads the source into batches, and looks up a full one while it may not read on. */
        private void readLoop() {
            try {
                while (true) {
                    Batch<I> toLookUp = null;
                    synchronized (this) {
                        while (!stopReading && !drained && ahead >= MAX_AHEAD) {
                            toLookUp = claimClosed();
                            if (toLookUp != null) {
                                break;
                            }
                            try {
                                wait(100);
                            } catch (InterruptedException e) {
                                return; // nobody interrupts it; if someone does, the engine's thread reads on
                            }
                        }
                        if (toLookUp == null && (stopReading || drained)) {
                            return;
                        }
                    }
                    if (toLookUp != null) {
                        lookUp(toLookUp);
                        continue;
                    }
                    if (!readOne()) {
                        return;
                    }
                }
            } finally {
                synchronized (this) {
                    readerEnded = true;
                    notifyAll();
                }
            }
        }

        /** Reads one input into the open batch; false once the source has no more (or failed). */
        private boolean readOne() {
            I input = null;
            boolean has;
            Throwable failure = null;
            sourceLock.lock();
            try {
                has = source.hasNext();
                if (has) {
                    input = source.next();
                }
            } catch (Throwable e) {
                failure = e;
                has = false;
            } finally {
                sourceLock.unlock();
            }
            synchronized (this) {
                if (!has) {
                    ended(failure);
                    return false;
                }
                Batch<I> tail = openTail();
                if (tail.inputs.isEmpty()) {
                    tail.firstRead = System.nanoTime();
                    if (takerWaiting) {
                        notifyAll(); // its wait for this input is now bounded by HANDOFF_NANOS
                    }
                }
                tail.inputs.add(input);
                ahead++;
                if (tail.inputs.size() >= LOOKUP_BATCH) {
                    tail.state = Batch.CLOSED;
                    notifyAll();
                }
                return true;
            }
        }

        /** Under this: the source has no more, or failed after the inputs read. */
        private void ended(Throwable failure) {
            drained = true;
            Batch<I> tail = batches.peekLast();
            if (failure != null) {
                tail = openTail();
                tail.failure = failure;
            }
            if (tail != null && tail.state == Batch.OPEN) {
                tail.state = Batch.CLOSED;
            }
            notifyAll();
        }

        /**
         * The run finished and the reader ended: reads on this thread (for {@link Parallelized#remaining()}) up to
         * 64 inputs, or as many as one millisecond gives, into a batch looked up at once.
         */
        private void readHere() {
            Batch<I> batch = new Batch<>();
            batch.state = Batch.LOOKING;
            long start = System.nanoTime();
            Throwable failure = null;
            boolean has = true;
            sourceLock.lock();
            try {
                while (batch.inputs.size() < 64 && System.nanoTime() - start < HANDOFF_NANOS) {
                    has = source.hasNext();
                    if (!has) {
                        break;
                    }
                    batch.inputs.add(source.next());
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                sourceLock.unlock();
            }
            synchronized (this) {
                batches.addLast(batch);
                ahead += batch.inputs.size();
                if (!has || failure != null) {
                    drained = true;
                    batch.failure = failure;
                }
            }
            lookUp(batch);
        }

        /**
         * Looks up a claimed batch: the keys computed (once per input), reserved against duplicates in this run,
         * looked up in one call of the store; the inputs without a recorded success are passed on with their keys
         * carried to their outcomes. After a failure of the store, or once the run finished (inputs read for
         * {@link Parallelized#remaining()}), nothing more is reserved or carried; after a failure of the store the
         * inputs pass unchecked (the run has stopped: they come back through {@code remaining()}).
         */
        private void lookUp(Batch<I> batch) {
            List<I> inputs = batch.inputs;
            List<Object> passed = new ArrayList<>(inputs.size());
            long skippedNow = 0;
            try {
                boolean recording = !over;
                String[] keys = new String[inputs.size()];
                Throwable[] noKey = new Throwable[inputs.size()];
                boolean[] duplicate = new boolean[inputs.size()];
                String[] dupKey = new String[inputs.size()];
                List<String> looked = new ArrayList<>(inputs.size());
                for (int i = 0; i < keys.length; i++) {
                    String key;
                    try {
                        key = keyFunction.apply(inputs.get(i));
                    } catch (RuntimeException | Error e) {
                        noKey[i] = e;
                        continue;
                    }
                    if (key == null) {
                        continue;
                    }
                    String refused = refusedKey(key);
                    if (refused != null) {
                        noKey[i] = new KeyRefused(refused); // its task fails, saying why
                        continue;
                    }
                    if (!recording || inFlight.add(key)) {
                        keys[i] = key;
                        looked.add(key);
                    } else {
                        duplicate[i] = true; // a duplicate of a key in flight in this run: see resolveTwin
                        dupKey[i] = key;
                    }
                }
                Set<String> succeeded = Set.of();
                boolean unchecked = storeFailed;
                if (!unchecked && !looked.isEmpty()) {
                    try {
                        succeeded = store.succeededAmong(runName, looked);
                    } catch (Throwable e) {
                        unchecked = true;
                        lookupFailed("look up " + looked.size() + " keys", e);
                    }
                }
                for (int i = 0; i < keys.length; i++) {
                    I input = inputs.get(i);
                    String key = keys[i];
                    if (unchecked) {
                        if (key != null && recording) {
                            inFlight.remove(key);
                        } else if (key == null && !duplicate[i]) {
                            noKey(input, noKey[i]);
                        }
                        passed.add(input); // the run has stopped: back unchecked, nothing lost
                    } else if (duplicate[i]) {
                        passed.add(new Twin(input, dupKey[i])); // resolved when the engine takes it
                    } else if (key == null) {
                        noKey(input, noKey[i]); // its task fails, naming the key function
                        passed.add(input);
                    } else if (succeeded.contains(key)) {
                        if (recording) {
                            inFlight.remove(key);
                        }
                        skippedNow++;
                    } else {
                        if (recording) {
                            carried.put(new Ref(input), key);
                        }
                        passed.add(input);
                    }
                }
            } catch (Throwable e) {
                // not the store's nor the key function's: a bug or an OutOfMemoryError; never lose the batch
                passed = new ArrayList<>(inputs);
                skippedNow = 0;
                storeFailed("look up " + inputs.size() + " keys", e);
            } finally {
                synchronized (this) {
                    batch.passed = passed;
                    batch.state = Batch.DONE;
                    skipped += skippedNow;
                    notifyAll();
                }
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
        String key = carried.remove(new Ref(input));
        if (key == null) {
            if (forgetNoKey(input) || storeFailed || over) {
                return; // failed for want of a key (nothing to record it under), or recording is over
            }
            key = keyOrNull(input); // not met: every input passed on while recording has its key carried
            if (key == null) {
                return;
            }
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
        over = true;
        Skipping filter = skipping;
        if (filter != null) {
            filter.stopReading();
        }
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
        flush(true);
        carried.clear(); // inputs given back at a stop never have an outcome
    }

    /** The first failure of the store stops recording and fails the run, naming the store. */
    /**
     * A lookup failed: the store's failure, unless the run had stopped by then. A stop interrupts the engine's
     * thread that reads, and a store may report that interrupt as a failure of its own (Hazelcast's {@code
     * getAll} did): the inputs then go back unchecked (to {@code remaining()}, as the run stopped), and the
     * recording goes on, so the outcomes that came before the stop are not lost with a store that never failed.
     */
    private void lookupFailed(String what, Throwable error) {
        Run<?, ?> current = run;
        if (current != null && current.isCancelled()) {
            return;
        }
        storeFailed(what, error);
    }

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
        if (runName.length() > MAX_RUN_NAME || runName.indexOf('\u0000') >= 0) {
            // a JDBC store's column is VARCHAR(200): a longer name would be cut (two runs sharing their records)
            // or refused by the database at the first write, ending the run as a store failure
            throw new IllegalArgumentException("runName must be at most " + MAX_RUN_NAME + " characters, without a "
                    + "NUL character (a checkpoint store's column), was " + runName.length() + " characters long"
                    + (runName.indexOf('\u0000') >= 0 ? " with a NUL" : ""));
        }
    }

    /**
     * Why a key cannot be recorded, or null when it can: at most {@link #MAX_KEY} characters without a NUL, so that
     * every store holds it as it is (a JDBC store's column is VARCHAR(1000); PostgreSQL refuses a NUL in text).
     */
    static String refusedKey(String key) {
        if (key.length() > MAX_KEY) {
            return "the key is " + key.length() + " characters long: at most " + MAX_KEY + " are allowed";
        }
        if (key.indexOf('\u0000') >= 0) {
            return "the key has a NUL character, which a checkpoint store cannot hold";
        }
        return null;
    }
}
