package io.github.parallelized;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * What the {@link Screen} of standard error asks of the terminal: whether standard error is one, how wide it is,
 * and whether it takes UTF-8. Each answer is asked off the thread that calls {@code start()} where it costs a
 * process or the progressbar library's terminal set-up (see {@link Screen}).
 */
final class Terminal {

    private Terminal() {
    }

    /** The shell's {@code COLUMNS} less the library's right margin, when it is exported and sensible; else -1. */
    static int columnsVariable() {
        String columns = System.getenv("COLUMNS");
        if (columns == null) {
            return -1;
        }
        try {
            int value = Integer.parseInt(columns.trim());
            return value >= 21 && value <= 10_000 ? value - 1 : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether standard error is a terminal that understands cursor movement. */
    static boolean isTerminal() {
        if (System.getenv("CI") != null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        // Linux tells exactly where standard error goes; System.console() only knows about stdin and stdout
        String target = standardErrorTarget();
        if (target != null) {
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+ returns a console even when redirected; it then says whether it is a terminal
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /**
     * The terminal's width less the library's right margin: from {@code stty size} on the terminal standard error
     * goes to (one small process), else as the progressbar library measures it (through JLine: hundreds of
     * classes, a native library, processes), 80 if neither can tell.
     */
    static int width(PrintStream out) {
        int columns = sttyColumns();
        if (columns >= 21) {
            return columns - 1;
        }
        try {
            return new ConsoleProgressBarConsumer(out).getMaxRenderedLength();
        } catch (RuntimeException | LinkageError e) {
            return 80;
        }
    }

    /**
     * Where standard error goes (a device or a file) on Linux, else null. Through java.io.File, which the JVM has
     * set up at launch, rather than java.nio.file, whose first use costs a cold start() milliseconds.
     */
    private static String standardErrorTarget() {
        java.io.File link = new java.io.File("/proc/self/fd/2");
        try {
            // a pipe's link does not resolve to a path: its canonical form is then not a device either
            return link.getParentFile().isDirectory() ? link.getCanonicalPath() : null;
        } catch (java.io.IOException | SecurityException e) {
            return null;
        }
    }

    /** The columns {@code stty size} reports for the terminal standard error goes to, or -1. */
    private static int sttyColumns() {
        String target = standardErrorTarget();
        try {
            if (target == null) {
                return -1;
            }
            java.io.File tty = new java.io.File(target);
            Process stty = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // waited for first, with a bound: the refresh thread must never hang on it (its answer fits a pipe)
            if (!stty.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return -1;
            }
            String answer = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            String[] rowsAndColumns = answer.trim().split(" ");
            return stty.exitValue() == 0 && rowsAndColumns.length == 2 ? Integer.parseInt(rowsAndColumns[1]) : -1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Whether the terminal takes UTF-8: the encoding of standard error (Java 19+), else the platform's. */
    static boolean utf8() {
        return isUtf8(System.getProperty("stderr.encoding",
                System.getProperty("native.encoding", System.getProperty("file.encoding", ""))));
    }

    static boolean isUtf8(String encoding) {
        String e = encoding.trim().toUpperCase(Locale.ROOT);
        return e.equals("UTF-8") || e.equals("UTF8");
    }
}
