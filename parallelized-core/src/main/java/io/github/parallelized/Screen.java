package io.github.parallelized;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * Where console bars are drawn, and where lines written meanwhile go.
 *
 * <p>On a terminal the bars of the live runs form a block at the bottom, one line each, in the order the runs
 * started (tqdm's {@code position}), redrawn in place. A line written meanwhile (through {@link Progress#write},
 * or printed to System.out or System.err, which are redirected while bars are shown) first erases the block,
 * goes above it, and the block is drawn again below. When a run ends, its final line stays on its row until
 * every run above it has ended too; then it leaves the block with its summary. So a bar never moves while
 * others start and end. Past {@link #MOST_FINISHED_IN_BLOCK} finished lines, they leave at once, to keep the
 * block smaller than a screen.
 *
 * <p>Elsewhere (CI, IDE consoles, files) each refresh is one plain line, so nothing floods or garbles.
 *
 * <p>Terminal width and trimming come from the progressbar library ({@link ConsoleProgressBarConsumer}: JLine
 * for the width, display-width trimming for wide characters). Measuring the width costs JLine's terminal set-up
 * (hundreds of classes and a process, 100 to 300 ms in a fresh JVM), so it never happens on the thread that
 * calls {@code start()}: the terminal is measured on the refresh thread, and until then (the bars are not drawn
 * before) only the {@code COLUMNS} variable, when the shell exports it, gives the width at once. When the terminal
 * is resized while bars are drawn (its {@code SIGWINCH}, where the JDK lets a program hear it), the width is
 * measured again and the bars redrawn to it, so that a narrower terminal never wraps them (a wrapped line would
 * be left behind at each redraw); however narrow the terminal, a line is cut to it. The block is never taller than
 * the terminal's rows less one (measured with the width): past that, the last row counts the bars not drawn, since
 * a line that scrolled off the screen can no longer be erased. Thread-safe: every drawing holds this screen's lock.
 */
final class Screen {

    static final int MOST_FINISHED_IN_BLOCK = 8;
    private static final long MEASURE_AT_MOST_EVERY_NANOS = 1_000_000_000L;
    private static final String ESC = "\u001b[";
    private static volatile Screen standardError;

    private final PrintStream out;
    /** Where {@link #write} sends lines meant for standard output: null for whatever System.out is then. */
    private final PrintStream standardOutput;
    private final boolean interactive;
    private final boolean unicode;
    private final boolean redirectSystemStreams;
    private final boolean measureWidth;
    /** Measures the terminal: its usable width (columns less the right margin) and rows; below 1: cannot tell. */
    private final Supplier<Size> sizeProbe;
    /** The terminal's rows, or -1 when unknown: a block of more bars than rows shows the first ones and a count. */
    private volatile int rows = -1;
    /** A measurement after a resize is scheduled and has not begun: more resizes meanwhile add none. */
    private final AtomicBoolean resizeMeasurePending = new AtomicBoolean();
    /**
     * The terminal was resized and its width is not measured yet: nothing is drawn meanwhile (a line as wide as
     * before could wrap now, and its first rows would stay).
     */
    private volatile boolean resizing;
    private volatile int width;
    /** Whether the width is known (measured, or given by COLUMNS); bars are drawn only then. Guarded by this. */
    private boolean widthKnown;
    /** Whether the first measurement is under way. Guarded by this. */
    private boolean measuring;
    private long lastMeasured = System.nanoTime();
    /** Trims lines to the width; made at the first line drawn (the library's jar is opened then). Guarded by this. */
    private ConsoleProgressBarConsumer console;
    /** Whether the shutdown hook is registered: at the first bar of standard error's screen. Guarded by this. */
    private boolean hooked;
    private final List<ConsoleReporter.Bar> block = new ArrayList<>();
    /** How many bar lines are drawn now, the cursor being at the end of the last. */
    private int drawn;
    /** The JVM is shutting down (Ctrl+C): bars are no longer drawn, lines still printed. */
    private boolean shutDown;
    private PrintStream savedOut;
    private PrintStream savedErr;
    private PrintStream installedOut;
    private PrintStream installedErr;
    private Above aboveOut;
    private Above aboveErr;

    /** A screen for tests: fixed width, no terminal queries, no redirection unless asked. */
    Screen(PrintStream out, PrintStream standardOutput, boolean interactive, boolean unicode, int width,
           boolean redirectSystemStreams) {
        this(out, standardOutput, interactive, unicode, width, redirectSystemStreams, null);
    }

    /**
     * A terminal screen for tests whose width {@code widthProbe} measures (the usable columns, as {@code stty}'s
     * less the right margin), as the screen of standard error measures its terminal, resizes included; no
     * redirection.
     */
    Screen(PrintStream out, PrintStream standardOutput, boolean unicode, IntSupplier widthProbe) {
        this(out, standardOutput, true, unicode, 80, false, () -> new Size(widthProbe.getAsInt(), -1));
    }

    /** A terminal screen for tests whose width and rows {@code sizeProbe} measures; no redirection. */
    static Screen measuring(PrintStream out, PrintStream standardOutput, boolean unicode, Supplier<Size> sizeProbe) {
        return new Screen(out, standardOutput, true, unicode, 80, false, sizeProbe);
    }

    /** A terminal's size as measured: the columns a line may fill (less the right margin) and the rows; -1: unknown. */
    record Size(int columns, int rows) {
    }

    private Screen(PrintStream out, PrintStream standardOutput, boolean interactive, boolean unicode, int width,
                   boolean redirectSystemStreams, Supplier<Size> sizeProbe) {
        this.out = out;
        this.standardOutput = standardOutput;
        this.interactive = interactive;
        this.unicode = unicode;
        this.redirectSystemStreams = redirectSystemStreams;
        this.measureWidth = sizeProbe != null;
        this.sizeProbe = sizeProbe;
        this.width = width;
        this.widthKnown = !measureWidth;
        this.hooked = !redirectSystemStreams && sizeProbe == null;
    }

    /** The screen of standard error, shared by every console bar of the JVM. */
    static Screen standardError() {
        Screen screen = standardError;
        if (screen == null) {
            synchronized (Screen.class) {
                screen = standardError;
                if (screen == null) {
                    boolean terminal = isTerminal();
                    int columns = terminal ? columnsVariable() : -1;
                    PrintStream err = System.err;
                    screen = new Screen(err, null, terminal, terminal && utf8(),
                            columns > 0 ? columns : 80, terminal, terminal ? () -> terminalSize(err) : null);
                    // without COLUMNS, the terminal is measured when the first bar is added (on the refresh thread)
                    screen.widthKnown = !terminal || columns > 0;
                    standardError = screen;
                }
            }
        }
        return screen;
    }

    boolean interactive() {
        return interactive;
    }

    boolean unicode() {
        return unicode;
    }

    /** The columns a bar line may fill: the terminal's width, or 0 when not on a terminal. */
    int columns() {
        return interactive ? width : 0;
    }

    synchronized void add(ConsoleReporter.Bar bar) {
        if (bar.finished()) {
            // its run ended before its first line was drawn: finish() prints it above the bars (or has)
            return;
        }
        if (!interactive) {
            out.println(bar.line());
            out.flush();
            return;
        }
        if (block.isEmpty() && redirectSystemStreams) {
            redirect();
        }
        if (!hooked) {
            // Ctrl+C while bars are drawn: leave the cursor below them (registered with the first bar, off start())
            hooked = true;
            if (redirectSystemStreams) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::onShutdown, "parallelized-shutdown"));
            }
            if (measureWidth) {
                onResize(this::resized);
            }
        }
        long now = System.nanoTime();
        if (!widthKnown && !measuring) {
            // the first bar: the width is measured on the refresh thread, and the bars drawn once it is known
            measuring = true;
            Timer.schedule(this::measure, java.time.Duration.ZERO);
        } else if (measureWidth && widthKnown && now - lastMeasured > MEASURE_AT_MOST_EVERY_NANOS) {
            // the terminal may have been resized since the last run; asking costs a process: off this thread,
            // and at most once a second however many runs start
            lastMeasured = now;
            Timer.schedule(this::measure, java.time.Duration.ZERO);
        }
        block.add(bar);
        erase();
        draw();
    }

    synchronized void refresh(ConsoleReporter.Bar bar) {
        if (!interactive) {
            out.println(bar.line());
            out.flush();
            return;
        }
        if (block.contains(bar)) {
            erase();
            draw();
        }
    }

    /** One line above every bar: to standard output, or to the bars' own stream. */
    synchronized void write(String line, boolean toStandardError) {
        PrintStream target = toStandardError ? out : standardOutput();
        erase();
        out.flush();
        target.println(line);
        target.flush();
        draw();
    }

    /**
     * The bar's run ended ({@link ConsoleReporter.Bar#summary()} is set): its last line stays, then leaves with the
     * summary. Only bars handed to this method leave the block: a bar whose summary another thread has just set,
     * but which has not reached here yet, stays in place (it leaves when it does), else that thread would find it
     * gone and print it a second time.
     */
    synchronized void finish(ConsoleReporter.Bar bar) {
        bar.ended = true;
        if (!interactive) {
            out.println(bar.line());
            out.println(bar.summary());
            out.flush();
            return;
        }
        if (!block.contains(bar)) {
            // ended before its first line was drawn (add() will not draw it now): its lines go above the bars
            erase();
            print(bar.line());
            out.println();
            out.println(bar.summary());
            draw();
            return;
        }
        erase();
        long finished = block.stream().filter(b -> b.ended).count();
        for (var it = block.iterator(); it.hasNext(); ) {
            ConsoleReporter.Bar top = it.next();
            if (!top.ended) {
                if (finished <= MOST_FINISHED_IN_BLOCK) {
                    break;
                }
                continue;
            }
            it.remove();
            finished--;
            print(top.line());
            out.println();
            out.println(top.summary());
        }
        draw();
        if (block.isEmpty() && redirectSystemStreams) {
            restore();
        }
    }

    private PrintStream standardOutput() {
        if (standardOutput != null) {
            return standardOutput;
        }
        PrintStream current = System.out;
        return current == installedOut && savedOut != null ? savedOut : current;
    }

    private void erase() {
        if (drawn == 0) {
            return;
        }
        if (drawn > 1) {
            out.print(ESC + (drawn - 1) + "A");
        }
        out.print("\r" + ESC + "J");
        drawn = 0;
    }

    private void draw() {
        if (!interactive || block.isEmpty() || shutDown || !widthKnown || resizing) {
            return;
        }
        // never more lines than the terminal has rows: a taller block scrolls, and what scrolled off cannot be erased,
        // so each redraw would leave it behind; the bars past the last row are counted on it instead
        int height = rows;
        int most = height > 1 ? height - 1 : height == 1 ? 1 : Integer.MAX_VALUE;
        int shown = block.size() > most ? most - 1 : block.size();
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                out.print('\n');
            }
            print(block.get(i).line());
        }
        if (shown < block.size()) {
            if (shown > 0) {
                out.print('\n');
            }
            print("+" + (block.size() - shown) + " more bars (the terminal has " + height + " rows)");
            shown++;
        }
        drawn = shown;
        out.flush();
    }

    /** Carriage return and the line cut to the width, so that it never wraps and the block keeps its height. */
    private void print(String line) {
        if (console == null) {
            console = new ConsoleProgressBarConsumer(out, width);
        }
        console.accept(line);
    }

    /** The terminal was resized: measured again off the signal's thread, once for a burst of resizes. */
    void resized() {
        resizing = true;
        if (resizeMeasurePending.compareAndSet(false, true)) {
            Timer.schedule(() -> {
                resizeMeasurePending.set(false);
                measure();
            }, java.time.Duration.ZERO);
        }
    }

    private void measure() {
        Size size;
        try {
            size = sizeProbe.get();
        } catch (RuntimeException e) {
            size = new Size(-1, -1); // cannot tell: the bars keep their width, and a resize's pause ends below
        }
        int columns = size.columns();
        synchronized (this) {
            if (size.rows() >= 1 && size.rows() != rows) {
                rows = size.rows();
                if (widthKnown && !resizing) {
                    erase();
                    draw();
                }
            }
            if (columns >= 1 && columns != width) {
                // however narrow: a line wider than the terminal wraps, and its first part stays at each redraw
                width = columns;
                console = new ConsoleProgressBarConsumer(out, columns);
            }
            if (resizing) {
                resizing = false;
                erase();
                draw();
            }
            if (!widthKnown) {
                // the first measurement: the bars that waited for it are drawn now
                widthKnown = true;
                lastMeasured = System.nanoTime();
                erase();
                draw();
            }
        }
    }

    /** The shell's {@code COLUMNS} less the library's right margin, when it is exported and sensible; else -1. */
    private static int columnsVariable() {
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
            Object handler = Proxy.newProxyInstance(Screen.class.getClassLoader(), new Class<?>[] {handlerType},
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

    /** Ctrl+C: leave the cursor on a clean line below the bars, and draw them no more. */
    synchronized void onShutdown() {
        shutDown = true;
        if (drawn > 0) {
            out.println();
            out.flush();
            drawn = 0;
        }
        if (aboveOut != null) {
            aboveOut.flushPending();
            aboveErr.flushPending();
        }
    }

    private void redirect() {
        savedOut = System.out;
        savedErr = System.err;
        aboveOut = new Above(savedOut);
        aboveErr = new Above(savedErr);
        installedOut = new PrintStream(aboveOut, true, Charset.defaultCharset());
        installedErr = new PrintStream(aboveErr, true, Charset.defaultCharset());
        System.setOut(installedOut);
        System.setErr(installedErr);
    }

    private void restore() {
        // a line begun meanwhile and never ended waited for its newline: it goes out now, never lost
        aboveOut.flushPending();
        aboveErr.flushPending();
        // put the streams back only if nobody replaced ours meanwhile
        if (System.out == installedOut) {
            System.setOut(savedOut);
        }
        if (System.err == installedErr) {
            System.setErr(savedErr);
        }
    }

    /** Collects what others print and puts each whole line above the bars. */
    private final class Above extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Above(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (Screen.this) {
                int start = offset;
                for (int i = offset; i < offset + length; i++) {
                    if (bytes[i] == '\n') {
                        pending.write(bytes, start, i + 1 - start);
                        start = i + 1;
                        erase();
                        out.flush();
                        target.write(pending.toByteArray(), 0, pending.size());
                        target.flush();
                        pending.reset();
                        draw();
                    }
                }
                pending.write(bytes, start, offset + length - start);
            }
        }

        @Override
        public void flush() {
            // partial lines wait for their newline, so they never land in the middle of a bar
        }

        /** The start of a line still waiting for its newline, written as it is (the bars are gone, or going). */
        void flushPending() {
            synchronized (Screen.this) {
                if (pending.size() > 0) {
                    target.write(pending.toByteArray(), 0, pending.size());
                    target.flush();
                    pending.reset();
                }
            }
        }
    }

    /** Whether standard error is a terminal that understands cursor movement. */
    private static boolean isTerminal() {
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
    private static Size terminalSize(PrintStream out) {
        int[] rowsAndColumns = sttySize();
        if (rowsAndColumns[1] >= 2) {
            return new Size(rowsAndColumns[1] - 1, rowsAndColumns[0]);
        }
        try {
            return new Size(new ConsoleProgressBarConsumer(out).getMaxRenderedLength(), -1);
        } catch (RuntimeException | LinkageError e) {
            return new Size(80, -1);
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
    private static boolean utf8() {
        return isUtf8(System.getProperty("stderr.encoding",
                System.getProperty("native.encoding", System.getProperty("file.encoding", ""))));
    }

    static boolean isUtf8(String encoding) {
        String e = encoding.trim().toUpperCase(Locale.ROOT);
        return e.equals("UTF-8") || e.equals("UTF8");
    }
}
