package io.github.parallelized;

/**
 * Thrown from a run's iteration when the run cannot go on as a whole, rather than one task failing:
 * the task source threw while being read, no worker of the run is left (a decorated loop that died, a
 * thread that could not be created), or the executor terminated with the run's work queued. The cause is the
 * original error, when there is one; a {@code retryOn} predicate that throws is reported the same way, in its
 * input's {@link Outcome#error()}. Single-task failures never throw; they arrive as {@link Outcome#error()}.
 */
public class ParallelizedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for people
     * @param cause   the original error
     */
    public ParallelizedException(String message, Throwable cause) {
        super(message, cause);
    }
}
