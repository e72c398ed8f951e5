package io.github.parallelized.sample;

import java.util.List;
import java.util.stream.Collectors;

/** A run request that cannot be started; the API answers 400 with every problem it lists. */
public class InvalidRunRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    /**
     * Creates the exception.
     *
     * @param errors the problems, at least one
     */
    public InvalidRunRequestException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    /**
     * The problems, one per field.
     *
     * @return the problems
     */
    public List<FieldError> errors() {
        return errors;
    }

    /**
     * One problem.
     *
     * @param field   the request field at fault
     * @param message what is wrong and what is allowed
     */
    public record FieldError(String field, String message) {
    }
}
