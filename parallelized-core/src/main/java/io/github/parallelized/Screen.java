package io.github.parallelized;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

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
 * before) only the {@code COLUMNS} variable, when the shell exports it, gives the width at once. Thread-safe:
 * every drawing holds this screen's lock.
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
    private final boolean measureWidth;
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
    /** System.out and System.err, redirected above the bars while some are drawn; null when not redirected. */
    private final SystemStreams streams;

    /** A screen for tests: fixed width, no terminal queries, no redirection unless asked. */
    Screen(PrintStream out, PrintStream standardOutput, boolean interactive, boolean unicode, int width,
           boolean redirectSystemStreams) {
        this(out, standardOutput, interactive, unicode, width, redirectSystemStreams, false);
    }

    private Screen(PrintStream out, PrintStream standardOutput, boolean interactive, boolean unicode, int width,
                   boolean redirectSystemStreams, boolean measureWidth) {
        this.out = out;
        this.standardOutput = standardOutput;
        this.interactive = interactive;
        this.unicode = unicode;
        this.measureWidth = measureWidth;
        this.width = width;
        this.widthKnown = !measureWidth;
        this.hooked = !redirectSystemStreams;
        this.streams = redirectSystemStreams ? new SystemStreams(this) : null;
    }

    /** The screen of standard error, shared by every console bar of the JVM. */
    static Screen standardError() {
        Screen screen = standardError;
        if (screen == null) {
            synchronized (Screen.class) {
                screen = standardError;
                if (screen == null) {
                    boolean terminal = Terminal.isTerminal();
                    int columns = terminal ? Terminal.columnsVariable() : -1;
                    screen = new Screen(System.err, null, terminal, terminal && Terminal.utf8(),
                            columns > 0 ? columns : 80, terminal, terminal);
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
        if (block.isEmpty() && streams != null) {
            streams.redirect();
        }
        if (!hooked) {
            // Ctrl+C while bars are drawn: leave the cursor below them (registered with the first bar, off start())
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(this::onShutdown, "parallelized-shutdown"));
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
        PrintStream target = toStandardError ? out : standardOutput != null ? standardOutput
                : streams != null ? streams.standardOutput() : System.out;
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
        if (block.isEmpty() && streams != null) {
            streams.restore();
        }
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
        if (!interactive || block.isEmpty() || shutDown || !widthKnown) {
            return;
        }
        for (int i = 0; i < block.size(); i++) {
            if (i > 0) {
                out.print('\n');
            }
            print(block.get(i).line());
        }
        drawn = block.size();
        out.flush();
    }

    /** Carriage return and the line cut to the width, so that it never wraps and the block keeps its height. */
    private void print(String line) {
        if (console == null) {
            console = new ConsoleProgressBarConsumer(out, width);
        }
        console.accept(line);
    }

    private void measure() {
        int columns = Terminal.width(out);
        synchronized (this) {
            if (columns >= 20 && columns != width) {
                width = columns;
                console = new ConsoleProgressBarConsumer(out, columns);
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

    /** Bytes printed to System.out or System.err while redirected, a whole line: above the bars. */
    synchronized void printAbove(PrintStream target, byte[] line, int length) {
        erase();
        out.flush();
        target.write(line, 0, length);
        target.flush();
        draw();
    }

    /** Ctrl+C: leave the cursor on a clean line below the bars, and draw them no more. */
    synchronized void onShutdown() {
        shutDown = true;
        if (drawn > 0) {
            out.println();
            out.flush();
            drawn = 0;
        }
    }

}
