package io.github.parallelized;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Cancelling an asynchronous attempt's stage, and the offload pool that does the work of an asynchronous run that
 * must hold neither the caller (a stage's cancel runs its dependents: user code, which may be slow) nor the shared
 * timeout thread (a timed-out attempt's end). Any {@link CompletionStage} a library may return is accepted: one that
 * has no future, or refuses, is left to end by itself.
 */
final class Stages {

    /**
     * The daemon threads that do that work; each ends after a second without work. Unbounded, and with no queue: a
     * user's cancel dependent or listener that blocks holds its own thread, never another run's timeout (a bounded
     * pool let one run's slow callbacks delay the others' timeouts by seconds).
     */
    private static final ThreadPoolExecutor OFFLOAD = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1,
            TimeUnit.SECONDS, new SynchronousQueue<>(), new DaemonThreads("parallelized-async-"));

    private Stages() {
    }

    /** Cancels a stage's future on a thread of the offload pool, unless it is done already. */
    static void cancel(CompletionStage<?> stage) {
        try {
            if (stage instanceof CompletableFuture<?> future && future.isDone()) {
                return;
            }
        } catch (Throwable e) {
            // a minimal stage (CompletableFuture.minimalCompletionStage()) refuses isDone(): cancel it off this thread
        }
        offload(() -> cancelNow(stage));
    }

    /** Cancels a stage's future on this thread; never throws. */
    static void cancelNow(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (Throwable e) {
            // UnsupportedOperationException and whatever a foreign stage throws: its outcome is already out
        }
    }

    /** Runs the action on the offload pool (here, when no thread is to be had, rather than never). */
    static void offload(Runnable action) {
        try {
            OFFLOAD.execute(action);
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            action.run();
        }
    }
}
