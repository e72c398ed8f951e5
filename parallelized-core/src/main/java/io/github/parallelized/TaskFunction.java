package io.github.parallelized;

/**
 * The function a run applies to each input. Unlike {@link java.util.function.Function} it may throw
 * checked exceptions; whatever it throws, {@link Error}s included, lands unchanged in that input's
 * {@link Outcome} and the run goes on.
 *
 * <p>It is called from several threads at once, so it must be thread-safe. When the run is cancelled or
 * a {@linkplain Parallelized.Builder#timeout(java.time.Duration) timeout} expires, the thread running it is
 * interrupted: a task that blocks should let {@link InterruptedException} propagate.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface TaskFunction<I, R> {

    /**
     * Computes the result for one input.
     *
     * @param input one input from the run's task source
     * @return the result, which may be null
     * @throws Exception anything; it becomes the outcome's {@link Outcome#error()}
     */
    R apply(I input) throws Exception;
}
