package io.github.parallelized;

import java.util.concurrent.CompletionStage;

/**
 * A task function that starts its work and returns at once, for work that waits on something else (a remote
 * call, an asynchronous client): a run of it keeps {@link Parallelized.Builder#numThreads(int)} tasks in flight
 * without a thread waiting for each ({@link Parallelized#ofAsync(AsyncTaskFunction, Iterable)}).
 *
 * <p>{@code apply} is called on one of the run's few worker threads, and must not block: while it runs, no
 * other task starts on that thread. The stage it returns completes with the result (which may be null) or the
 * error, on any thread; whatever {@code apply} throws, a null stage, or a stage that fails (a
 * {@link java.util.concurrent.CompletionException} is unwrapped) becomes that attempt's error, and retry, the
 * failure policy and the outcome treat it like a blocking task's. A stage that never completes keeps its task
 * in flight until its {@linkplain Parallelized.Builder#timeout(java.time.Duration) timeout}, or until the run
 * is cancelled or closed: then its outcome comes at once, and the run cancels the stage's
 * {@link CompletionStage#toCompletableFuture() future} ({@code cancel(true)}, on a thread of the run's: the cancel
 * runs the future's dependents) so that the work can stop. Return a stage of this input's own: one shared by several
 * inputs would be cancelled for all of them by one input's timeout.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface AsyncTaskFunction<I, R> {

    /**
     * Starts the work for one input.
     *
     * @param input one input from the run's task source
     * @return the stage that completes with the result or the error, not null
     * @throws Exception anything; it becomes the attempt's error
     */
    CompletionStage<R> apply(I input) throws Exception;
}
