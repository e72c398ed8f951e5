package io.github.parallelized;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * The core's logging, through the JDK's {@link System.Logger}, so that the core needs no logging library: in a
 * plain program the lines go to java.util.logging, in Spring Boot (which bridges java.util.logging) and with
 * SLF4J's {@code slf4j-jdk-platform-logging} into the application's logging. Messages use SLF4J's {@code {}}
 * placeholders; a last argument that is a {@link Throwable} and has no placeholder left is logged as the error.
 * Arguments carry text from users and callers (a run's desc, an error's message): their line breaks and control
 * characters are escaped, so that no argument can forge a log line of its own.
 */
final class Log {

    private final String name;
    /**
     * Found at the first line logged, not before: finding it starts the JDK's logging (tens of milliseconds in a
     * fresh JVM), which a run that logs nothing should not pay in {@code start()}.
     */
    private volatile System.Logger logger;

    private Log(String name) {
        this.name = name;
    }

    static Log named(String name) {
        return new Log(name);
    }

    void info(String pattern, Object... args) {
        log(Level.INFO, pattern, args);
    }

    void warn(String pattern, Object... args) {
        log(Level.WARNING, pattern, args);
    }

    private System.Logger logger() {
        System.Logger found = logger;
        if (found == null) {
            found = System.getLogger(name);   // the JDK keeps one per name: a race finds the same one
            logger = found;
        }
        return found;
    }

    private void log(Level level, String pattern, Object... args) {
        System.Logger logger = logger();
        if (!logger.isLoggable(level)) {
            return;
        }
        StringBuilder message = new StringBuilder(pattern.length() + 32);
        int used = 0;
        int from = 0;
        for (int at = pattern.indexOf("{}"); at >= 0 && used < args.length; at = pattern.indexOf("{}", from)) {
            message.append(pattern, from, at);
            escape(text(args[used++]), message);
            from = at + 2;
        }
        message.append(pattern, from, pattern.length());
        Throwable error = used < args.length && args[args.length - 1] instanceof Throwable t ? t : null;
        Supplier<String> text = message::toString;
        try {
            if (error != null) {
                logger.log(level, text, error);
            } else {
                logger.log(level, text);
            }
        } catch (Throwable e) {
            // the backend failed on a lying error (Logback reads its getMessage(), which may throw): a warning about
            // a user's callback must not become a failure of the run; the line goes out without the error
            if (error != null) {
                try {
                    logger.log(level, () -> text.get() + " (the error could not be logged: "
                            + e.getClass().getName() + ")");
                } catch (Throwable ignored) {
                    // the backend fails whatever it is given: nothing more can be said through it
                }
            }
        }
    }

    /** An argument as text; one whose toString() throws is named by its type instead. Never throws. */
    static String text(Object arg) {
        try {
            return String.valueOf(arg);
        } catch (Throwable e) {
            return arg.getClass().getName() + " (its toString() threw " + e.getClass().getName() + ")";
        }
    }

    /**
     * Appends {@code text} with line breaks, control and format characters and unpaired surrogates as Java-style
     * escapes (a line break as backslash-n, an escape character as backslash-u-001b) and backslashes doubled, so that the text stays on one line and can
     * still be read.
     */
    static void escape(String text, StringBuilder out) {
        escape(text, out, true);
    }

    /** As {@link #escape(String, StringBuilder)}; a backslash is doubled only when {@code backslashes} says so. */
    static void escape(String text, StringBuilder out, boolean backslashes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
                continue;
            }
            int type = Character.getType(c);
            boolean unsafe = type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
            if (!unsafe && (c != '\\' || !backslashes)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
    }
}
