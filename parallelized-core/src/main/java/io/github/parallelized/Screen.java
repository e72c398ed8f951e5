package io.github.parallelized;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

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
 * <p>The width ({@link ScreenSize}): the shell's {@code COLUMNS} when it is exported, given at once; else one {@code
 * stty size} on the terminal standard error goes to, on the refresh thread (never the thread that calls {@code
 * start()}), the bars not drawn before; the progressbar library (JLine: hundreds of classes and a process, 100 to 300
 * ms in a fresh JVM) only when {@code stty} cannot tell. Lines are cut to it by the library's {@code
 * ConsoleProgressBarConsumer} (display widths, wide characters included). Until the width is known nothing is drawn.
 * When the terminal is resized while bars are drawn (its {@code SIGWINCH}, where the JDK lets a program hear it), the
 * width is measured again and the bars redrawn to it, so that a narrower terminal never wraps them (a wrapped line
 * would be left behind at each redraw); however narrow the terminal, a line is cut to it. The block is never taller
 * than the terminal's rows less one (measured with the width): past that, the last row counts the bars not drawn, since
 * a line that scrolled off the screen can no longer be erased. Thread-safe: every drawing holds this screen's lock.
 */
final class Screen {

    static final int MOST_FINISHED_IN_BLOCK = 8;
    private static final String ESC = "\u001b[";
    private static volatile Screen standardError;

    private final PrintStream out;
    /** Where {@link #write} sends lines meant for standard output: null for whatever System.out is then. */
    private final PrintStream standardOutput;
    private final boolean interactive;
    private final boolean unicode;
    /** The terminal's width and rows, and their measuring. */
    private final ScreenSize size;
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
        this.size = new ScreenSize(this, out, width, sizeProbe);
        this.hooked = !redirectSystemStreams && sizeProbe == null;
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
                    PrintStream err = System.err;
                    screen = new Screen(err, null, terminal, terminal && Terminal.utf8(),
                            columns > 0 ? columns : 80, terminal, terminal ? () -> Terminal.size(err) : null);
                    // without COLUMNS, the terminal is measured when the first bar is added (on the refresh thread)
                    screen.size.known(!terminal || columns > 0);
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
        return interactive ? size.width() : 0;
    }

    synchronized void add(ConsoleReporter.Bar bar) {
        if (bar.finished()) {
            // its run ended before its first line was drawn: finish() prints it above the bars (or has)
            return;
        }
        if (!interactive) {
            bar.printLive(out);
            return;
        }
        if (block.isEmpty() && streams != null) {
            streams.redirect();
        }
        if (!hooked) {
            // Ctrl+C while bars are drawn: leave the cursor below them (registered with the first bar, off start())
            hooked = true;
            if (streams != null) {
                Runtime.getRuntime().addShutdownHook(new Thread(this::onShutdown, "parallelized-shutdown"));
            }
            if (size.measured()) {
                Terminal.onResize(size::resized);
            }
        }
        size.barAdded(System.nanoTime());
        block.add(bar);
        erase();
        draw();
    }

    synchronized void refresh(ConsoleReporter.Bar bar) {
        if (!interactive) {
            if (!bar.ended) { // a refresh that comes after the end would print the final line below its summary
                bar.printLive(out);
            }
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
            bar.printEnd(out);
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

    private PrintStream standardOutput() {
        if (standardOutput != null) {
            return standardOutput;
        }
        return streams != null ? streams.standardOutput() : System.out;
    }

    /** Draws the bars again, under this screen's lock: the terminal's size changed, or is known now. */
    void redraw() {
        erase();
        draw();
    }

    private void print(String line) {
        size.print(line);
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
        if (!interactive || block.isEmpty() || shutDown || !size.drawable()) {
            return;
        }
        // never more lines than the terminal has rows: a taller block scrolls, and what scrolled off cannot be erased,
        // so each redraw would leave it behind; the bars past the last row are counted on it instead
        int height = size.rows();
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
        if (streams != null) {
            streams.flushPending();
        }
    }
}
