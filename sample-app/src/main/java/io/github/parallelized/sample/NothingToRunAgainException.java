package io.github.parallelized.sample;

/** A run whose failed inputs cannot be run again (yet): answered 409 with the reason. */
public class NothingToRunAgainException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why, for people
     */
    public NothingToRunAgainException(String message) {
        super(message);
    }
}
