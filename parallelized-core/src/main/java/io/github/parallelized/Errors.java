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
            error.printStackTrace(new PrintWriter(out, true));
            return out.toString().stripTrailing();
        }
        StringBuilder text = new StringBuilder(oneLine(error));
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(error);
        for (Throwable cause = error.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append(" (caused by ").append(oneLine(cause)).append(')');
        }
        return text.toString();
    }

    private static String oneLine(Throwable error) {
        String message = error.getMessage();
        String type = error.getClass().getSimpleName().isEmpty() ? error.getClass().getName()
                : error.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }
}
