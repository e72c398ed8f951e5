package io.github.parallelized.sample;

/** A run was asked for while {@code sample.max-active-runs} runs go on; the API answers 429. */
public class TooManyRunsException extends IllegalStateException {

    /** What the 429's {@code Retry-After} asks a client to wait: about the time a small run of the sample takes. */
    public static final java.time.Duration RETRY_AFTER = java.time.Duration.ofSeconds(5);

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param limit the configured limit
     */
    public TooManyRunsException(int limit) {
        super(limit + " runs are going on, the most allowed (sample.max-active-runs); cancel one or try again in "
                + RETRY_AFTER.toSeconds() + " s");
    }
}
