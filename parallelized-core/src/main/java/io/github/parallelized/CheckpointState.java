package io.github.parallelized;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Whether a checkpoint still records ({@link Checkpointing}): two one-way flags that every part reads. {@link
 * #over()}: the run finished, so nothing more is reserved, carried or recorded. {@link #failed()}: the store failed
 * once; the first failure fails the run with a {@link ParallelizedException} naming the store, and nothing is
 * written after it. The run is reached only through the two callbacks given at its start ({@link #attach}), and the
 * recorder's through the one given before ({@link #onFailure}).
 *
 * <p>Thread-safe: volatile flags, the first failure won by a CAS.
 */
final class CheckpointState {

    private static final Log LOG = Log.named("io.github.parallelized.checkpoint");

    private final CheckpointStore store;
    private final String runName;
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile boolean over;
    /** The recorder's: drops what it buffered and wakes whoever waits on it. Set before the run starts. */
    private Runnable onFailure = () -> { };
    /** Fails the run; set when it started. */
    private volatile Consumer<ParallelizedException> failRun;
    /** Whether the run was cancelled (stopped by someone); set when it started. */
    private volatile BooleanSupplier cancelled;

    CheckpointState(CheckpointStore store, String runName) {
        this.store = store;
        this.runName = runName;
    }

    /** Before the run starts: what a failure of the store does to the recorder. */
    void onFailure(Runnable action) {
        onFailure = action;
    }

    /** When the run started: how to fail it, and how to tell that it was stopped. */
    void attach(Consumer<ParallelizedException> fail, BooleanSupplier isCancelled) {
        cancelled = isCancelled;
        failRun = fail;
    }

    boolean failed() {
        return failed.get();
    }

    boolean over() {
        return over;
    }

    /** The run finished: nothing more is reserved, carried or recorded. */
    void finish() {
        over = true;
    }

    /**
     * A lookup failed: the store's failure, unless the run had stopped by then. A stop interrupts the engine's
     * thread that reads, and a store may report that interrupt as a failure of its own (Hazelcast's {@code
     * getAll} did): the inputs then go back unchecked (to {@code remaining()}, as the run stopped), and the
     * recording goes on, so the outcomes that came before the stop are not lost with a store that never failed.
     */
    void lookupFailed(String what, Throwable error) {
        BooleanSupplier stopped = cancelled;
        if (stopped != null && stopped.getAsBoolean()) {
            return;
        }
        storeFailed(what, error);
    }

    /** The first failure of the store stops recording and fails the run, naming the store. */
    void storeFailed(String what, Throwable error) {
        if (!failed.compareAndSet(false, true)) {
            return;
        }
        onFailure.run();
        // a store of one's own whose toString() throws would otherwise throw here, the run never failed: the store's
        // failure (nothing recorded, lookups skipped) lost without a word
        ParallelizedException failure = new ParallelizedException("the checkpoint store " + Log.text(store)
                + " failed to " + what + " of run '" + runName + "': " + Errors.describe(error, false)
                + "; nothing more is recorded, and a resume runs every input whose success was not recorded", error);
        LOG.warn("{}", failure.getMessage());
        Consumer<ParallelizedException> fail = failRun;
        if (fail != null) {
            fail.accept(failure);
        }
    }
}
