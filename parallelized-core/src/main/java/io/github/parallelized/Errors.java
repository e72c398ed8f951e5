package io.github.parallelized;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Formats errors for people: the Java form of the Python original's {@code error_str}. Thread-safe.
 */
public final class Errors {

    private Errors() {
    }

    /**
     * Describes an error in one line, or with its stack trace.
     * Without the trace: {@code "IOException: disk full"}, followed by {@code " (caused by X: msg)"} for each
     * cause. With it: the full trace as {@link Throwable#printStackTrace()} prints it, causes included.
     * An error that lies cannot make it throw: a {@code getMessage()}, {@code getCause()} or
     * {@code printStackTrace} that throws is described as such ({@code "Bad (its getMessage() threw
     * IllegalStateException)"}), so that a run's messages and warnings about it still come out.
     *
     * @param error          the error, not null
     * @param withStackTrace whether to add the stack trace
     * @return the description
     * @throws NullPointerException if {@code error} is null
     */
    public static String describe(Throwable error, boolean withStackTrace) {
        if (error == null) {
            throw new NullPointerException("error");
        }
        if (withStackTrace) {
            StringWriter out = new StringWriter();
            try {
                error.printStackTrace(new PrintWriter(out, true));
            } catch (Throwable e) { // its toString() or getStackTrace() threw: the line without the trace
                return describe(error, false) + " (its stack trace could not be printed: " + type(e) + ")";
            }
            return out.toString().stripTrailing();
        }
        StringBuilder text = new StringBuilder(oneLine(error));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(error);
        for (Throwable cause = causeOf(error); cause != null && seen.add(cause); cause = causeOf(cause)) {
            text.append(" (caused by ").append(oneLine(cause)).append(')');
        }
        return text.toString();
    }

    private static String oneLine(Throwable error) {
        String type = type(error);
        String message;
        try {
            message = error.getMessage();
        } catch (Throwable e) {
            return type + " (its getMessage() threw " + type(e) + ")";
        }
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    private static Throwable causeOf(Throwable error) {
        try {
            return error.getCause();
        } catch (Throwable e) {
            return null; // an overridden getCause() that throws: the chain ends here
        }
    }

    private static String type(Throwable error) {
        return error.getClass().getSimpleName().isEmpty() ? error.getClass().getName()
                : error.getClass().getSimpleName();
    }
}
