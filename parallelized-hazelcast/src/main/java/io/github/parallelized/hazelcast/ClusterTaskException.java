package io.github.parallelized.hazelcast;

/**
 * A cluster task that could not run as asked, for a reason of the cluster rather than of the function: no
 * function of that name on the member, another version of it there, an input or result that Hazelcast cannot
 * serialize, a member lost more often than allowed, or an exception of the function that could not travel
 * back (then its class, message and stack trace are kept here). It lands in that input's
 * {@link io.github.parallelized.Outcome#error()}; the run goes on. Immutable and thread-safe.
 */
public final class ClusterTaskException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and what to do about it
     * @param cause   the underlying error, or null
     */
    public ClusterTaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
