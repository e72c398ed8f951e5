package io.github.parallelized.sample;

/** A run was asked for while {@code sample.max-active-runs} runs go on; the API answers 429. */
public class TooManyRunsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param limit the configured limit
     */
    public TooManyRunsException(int limit) {
        super(limit + " runs are going on, the most allowed (sample.max-active-runs); cancel one or wait");
    }
}
