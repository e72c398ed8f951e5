package io.github.parallelized;

import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The checkpoint of one run ({@link Parallelized.Builder#checkpoint}), applied around the engine, which knows
 * nothing of it. This class makes the parts and wires them; follow one input through them in this order:
 *
 * <ol>
 *   <li>{@link CheckpointReader}: a reader thread of the run reads the source into {@link CheckpointBatches}
 *   ({@link CheckpointBatch} each), at most {@link CheckpointBatches#MAX_AHEAD} inputs ahead of the engine.</li>
 *   <li>{@link CheckpointLookup}: a batch's keys are computed (the only call of the key function per input),
 *   reserved against duplicates and looked up in one call of the store, by the reader or by the engine's reading
 *   thread, whichever gets to it first.</li>
 *   <li>{@link CheckpointSkipping}: the source as the engine sees it, the inputs without a recorded success in
 *   source order (the engine reads it under its read lock).</li>
 *   <li>The task function is wrapped so that an input whose key could not be computed (the key function threw or
 *   returned null) or cannot be recorded (longer than {@link CheckpointKeys#MAX_KEY}, or with a NUL) fails with an
 *   error naming the key function, and the run goes on ({@link CheckpointKeys#refuseWithoutKey}).</li>
 *   <li>{@link CheckpointKeys}: the key computed at the lookup is carried, by input identity, to the input's
 *   outcome; the keys in flight are held there so that a duplicate never runs twice silently.</li>
 *   <li>{@link CheckpointRecorder}: this object is a {@link ProgressReporter} registered beside the user's
 *   listeners; each outcome is buffered and written by a daemon thread in batches, the rest at {@link
 *   #beforeFinish}, before the run's state is fixed (a failure of that last write ends the run FAILED).
 *   At most {@link CheckpointRecorder#MAX_UNFLUSHED} entries wait to be written, which bounds what a kill
 *   loses: the inputs in the admission window plus that.</li>
 * </ol>
 *
 * <p>{@link CheckpointState} is what every part reads: whether the run finished and whether the store failed. The
 * first exception of a lookup or a write stops recording and fails the run with a {@link ParallelizedException}
 * naming the store; the inputs read but not looked up are passed on unchecked (the run has stopped: they come back
 * through {@link Parallelized#remaining()}), and nothing is written after it. Only this class knows the run.
 */
final class Checkpointing<I> implements ProgressReporter, DecidesTheEnd {

    private final CheckpointStore store;
    private final String runName;
    private final CheckpointKeys<I> keys;
    private final CheckpointState state;
    private final CheckpointRecorder recorder;
    /** The run's thread name prefix: the writer and reader threads are named after it. */
    private String threadNamePrefix = "parallelized-";
    /** Set when the store was told that this run started ({@link RunScopedStore}), so that it is told its end once. */
    private final java.util.concurrent.atomic.AtomicBoolean scoped = new java.util.concurrent.atomic.AtomicBoolean();
    /** The batches read ahead, for {@link #beforeFinish} to stop their reader. */
    private volatile CheckpointBatches<I> batches;

    Checkpointing(CheckpointStore store, String runName, Function<? super I, String> keyFunction) {
        this.store = store;
        this.runName = runName;
        this.keys = new CheckpointKeys<>(keyFunction, runName);
        this.state = new CheckpointState(store, runName);
        this.recorder = new CheckpointRecorder(store, runName, keys, state);
        state.onFailure(recorder::dropAll);
    }

    /** Starts a run with the checkpoint applied: the source filtered, the function wrapped, the recorder listening. */
    <R> Parallelized<I, R> start(TaskFunction<? super I, ? extends R> function,
                                 AsyncTaskFunction<? super I, ? extends R> asyncFunction, TaskSource<I> source,
                                 RunOptions options, LimitOptions limits) {
        RunConfig config = options.toConfig(limits, this);
        threadNamePrefix = config.threadNamePrefix();
        TaskFunction<I, R> checkedFunction = function == null ? null : input -> {
            keys.refuseWithoutKey(input);
            return function.apply(input);
        };
        AsyncTaskFunction<I, R> checkedAsync = asyncFunction == null ? null : input -> {
            keys.refuseWithoutKey(input);
            @SuppressWarnings("unchecked")
            CompletionStage<R> stage = (CompletionStage<R>) asyncFunction.apply(input);
            return stage;
        };
        CheckpointLookup<I> lookup = new CheckpointLookup<>(store, runName, keys, state);
        CheckpointBatches<I> read = new CheckpointBatches<>(lookup);
        batches = read;
        CheckpointReader<I> reader = new CheckpointReader<>(source.iterator(), read,
                threadNamePrefix + "checkpoint-reader-" + runName);
        TaskSource<I> filtered = source.claim().filtered(new CheckpointSkipping<>(reader, read, lookup), read::skipped);
        return Run.start(checkedFunction, checkedAsync, filtered, config);
    }

    @Override
    public void onStart(Parallelized<?, ?> started) {
        Run<?, ?> run = (Run<?, ?>) started;
        state.attach(run::fail, run::isCancelled);
        if (store instanceof RunScopedStore held && scoped.compareAndSet(false, true)) {
            held.runStarted(); // the JDBC store keeps its connections and statements until the run ends
        }
        recorder.start(threadNamePrefix + "checkpoint-" + started.id());
    }

    @Override
    public void onOutcome(String runId, Outcome<?, ?> outcome) {
        try {
            recorder.append(outcome);
        } catch (Throwable e) {
            state.storeFailed("record an outcome", e);
        }
    }

    /** The longest run name every store holds as it is (the JDBC store's column). */
    static final int MAX_RUN_NAME = 200;

    /**
     * The run is over: what is buffered is written on this thread, before the run's state is fixed ({@link
     * DecidesTheEnd}): a failure of this last write fails the run, so that it never ends COMPLETED (in its summary,
     * its reporters' onFinish, the meters) with outcomes that were not recorded.
     */
    @Override
    public void beforeFinish() {
        state.finish();
        CheckpointBatches<I> read = batches;
        if (read != null) {
            read.stopReading();
        }
        try {
            recorder.finish();
        } finally {
            if (store instanceof RunScopedStore held && scoped.compareAndSet(true, false)) {
                held.runEnded();
            }
        }
        keys.forgetCarried(); // inputs given back at a stop never have an outcome
    }

    @Override
    public String toString() {
        return "checkpoint '" + runName + "' in " + Log.text(store);
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
}
