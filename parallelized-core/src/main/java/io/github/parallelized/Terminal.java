package io.github.parallelized;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * What the {@link Screen} of standard error asks of the terminal: whether standard error is one, its size, whether
 * it takes UTF-8, and when it is resized. An answer that costs a process or the progressbar library's terminal
 * set-up is asked off the thread that calls {@code start()} (see {@link Screen}).
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
            return value >= 2 && value <= 10_000 ? value - 1 : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Calls {@code onResize} on each {@code SIGWINCH} (the terminal was resized), after a handler installed before
     * (JLine's, an application's) is called as it was; nothing where the JDK offers no such signal (Windows, a JDK
     * without {@code sun.misc.Signal}). Through reflection: {@code sun.misc} is exported by {@code jdk.unsupported}
     * but would be a compiler warning.
     */
    static void onResize(Runnable onResize) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object winch = signalType.getConstructor(String.class).newInstance("WINCH");
            Object byDefault = handlerType.getField("SIG_DFL").get(null);
            Object ignore = handlerType.getField("SIG_IGN").get(null);
            Method handleWith = signalType.getMethod("handle", signalType, handlerType);
            Method handle = handlerType.getMethod("handle", signalType);
            Object[] before = new Object[1];
            Object handler = Proxy.newProxyInstance(Terminal.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            try {
                                onResize.run();
                            } finally {
                                Object previous = before[0];
                                if (previous != null && previous != byDefault && previous != ignore) {
                                    handle.invoke(previous, args[0]);
                                }
                            }
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "parallelized terminal resize handler";
                    });
            before[0] = handleWith.invoke(null, winch, handler);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // no such signal here: the width is measured again as runs start, at most once a second
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
    static Screen.Size size(PrintStream out) {
        int[] rowsAndColumns = sttySize();
        if (rowsAndColumns[1] >= 2) {
            return new Screen.Size(rowsAndColumns[1] - 1, rowsAndColumns[0]);
        }
        try {
            return new Screen.Size(new ConsoleProgressBarConsumer(out).getMaxRenderedLength(), -1);
        } catch (RuntimeException | LinkageError e) {
            return new Screen.Size(80, -1);
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

    /** The rows and columns {@code stty size} reports for the terminal standard error goes to, or -1s. */
    private static int[] sttySize() {
        int[] unknown = {-1, -1};
        String target = standardErrorTarget();
        try {
            if (target == null) {
                return unknown;
            }
            java.io.File tty = new java.io.File(target);
            Process stty = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // waited for first, with a bound: the refresh thread must never hang on it (its answer fits a pipe)
            if (!stty.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return unknown;
            }
            String answer = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            String[] rowsAndColumns = answer.trim().split(" ");
            return stty.exitValue() == 0 && rowsAndColumns.length == 2
                    ? new int[] {Integer.parseInt(rowsAndColumns[0]), Integer.parseInt(rowsAndColumns[1])} : unknown;
        } catch (java.io.IOException | RuntimeException e) {
            return unknown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown;
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
