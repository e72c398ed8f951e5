package io.github.parallelized.sample;

import java.util.NoSuchElementException;

/** No run has the id asked for (or it finished long ago and was forgotten); the API answers 404. */
public class UnknownRunException extends NoSuchElementException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param id the id asked for
     */
    public UnknownRunException(String id) {
        super("no run with id '" + id + "'");
    }
}
