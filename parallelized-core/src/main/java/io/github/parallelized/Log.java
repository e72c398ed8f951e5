package io.github.parallelized;

import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * The core's logging, through the JDK's {@link System.Logger}, so that the core needs no logging library: in a
 * plain program the lines go to java.util.logging, in Spring Boot (which bridges java.util.logging) and with
 * SLF4J's {@code slf4j-jdk-platform-logging} into the application's logging. Messages use SLF4J's {@code {}}
 * placeholders; a last argument that is a {@link Throwable} and has no placeholder left is logged as the error.
 */
final class Log {

    private final System.Logger logger;

    private Log(String name) {
        this.logger = System.getLogger(name);
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

    private void log(Level level, String pattern, Object... args) {
        if (!logger.isLoggable(level)) {
            return;
        }
        StringBuilder message = new StringBuilder(pattern.length() + 32);
        int used = 0;
        int from = 0;
        for (int at = pattern.indexOf("{}"); at >= 0 && used < args.length; at = pattern.indexOf("{}", from)) {
            message.append(pattern, from, at).append(args[used++]);
            from = at + 2;
        }
        message.append(pattern, from, pattern.length());
        Throwable error = used < args.length && args[args.length - 1] instanceof Throwable t ? t : null;
        Supplier<String> text = message::toString;
        if (error != null) {
            logger.log(level, text, error);
        } else {
            logger.log(level, text);
        }
    }
}
