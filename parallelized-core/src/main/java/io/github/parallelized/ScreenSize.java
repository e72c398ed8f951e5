package io.github.parallelized;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * A {@link Screen}'s terminal size: its width and rows as last measured, when to measure them again (the first bar,
 * a run's start at most once a second, a resize), and the line cutter made for the width. Measuring costs a
 * process (or the progressbar library's terminal set-up), so it runs on the refresh thread, never the caller's.
 * Guarded by the screen's lock, but for the fields read without it (volatile).
 */
final class ScreenSize {
    private static final long MEASURE_AT_MOST_EVERY_NANOS = 1_000_000_000L;

    private final Screen screen;
    private final PrintStream out;
    /** Measures the terminal: its usable width (columns less the right margin) and rows; null: a fixed width. */
    private final Supplier<Screen.Size> probe;
    private volatile int width;
    /** The terminal's rows, or -1 when unknown: a block of more bars than rows shows the first ones and a count. */
    private volatile int rows = -1;
    /** Whether the width is known (measured, or given by COLUMNS); bars are drawn only then. */
    private boolean known;
    /** Whether the first measurement is under way. */
    private boolean measuring;
    private long lastMeasured = System.nanoTime();
    /**
     * The terminal was resized and its width is not measured yet: nothing is drawn meanwhile (a line as wide as
     * before could wrap now, and its first rows would stay).
     */
    private volatile boolean resizing;
    /** A measurement after a resize is scheduled and has not begun: more resizes meanwhile add none. */
    private final AtomicBoolean resizeMeasurePending = new AtomicBoolean();
    /** Trims lines to the width; made at the first line drawn (the library's jar is opened then). */
    private ConsoleProgressBarConsumer console;

    ScreenSize(Screen screen, PrintStream out, int width, Supplier<Screen.Size> probe) {
        this.screen = screen;
        this.out = out;
        this.width = width;
        this.probe = probe;
        this.known = probe == null;
    }

    int width() {
        return width;
    }

    int rows() {
        return rows;
    }

    /** Whether it is measured: a terminal, not a fixed width. */
    boolean measured() {
        return probe != null;
    }

    /** Whether the width is known: taken from {@code COLUMNS} at once, else measured when the first bar comes. */
    void known(boolean known) {
        this.known = known;
    }

    /** Whether bars may be drawn now: the width is known, and no resize is waiting for its measurement. */
    boolean drawable() {
        return known && !resizing;
    }

    /**
     * A bar was added: the first one has the width measured (the bars are drawn once it is known); later ones have
     * it measured again at most once a second however many runs start, since the terminal may have been resized.
     */
    void barAdded(long now) {
        if (!known && !measuring) {
            measuring = true;
            Timer.schedule(this::measure, Duration.ZERO);
        } else if (probe != null && known && now - lastMeasured > MEASURE_AT_MOST_EVERY_NANOS) {
            lastMeasured = now;
            Timer.schedule(this::measure, Duration.ZERO);
        }
    }

    /** The terminal was resized: measured again off the signal's thread, once for a burst of resizes. */
    void resized() {
        resizing = true;
        if (resizeMeasurePending.compareAndSet(false, true)) {
            Timer.schedule(() -> {
                resizeMeasurePending.set(false);
                measure();
            }, Duration.ZERO);
        }
    }

    private void measure() {
        Screen.Size size = probe.get();
        int columns = size.columns();
        synchronized (screen) {
            if (size.rows() >= 1 && size.rows() != rows) {
                rows = size.rows();
                if (known && !resizing) {
                    screen.redraw();
                }
            }
            if (columns >= 1 && columns != width) {
                // however narrow: a line wider than the terminal wraps, and its first part stays at each redraw
                width = columns;
                console = new ConsoleProgressBarConsumer(out, columns);
            }
            if (resizing) {
                resizing = false;
                screen.redraw();
            }
            if (!known) {
                // the first measurement: the bars that waited for it are drawn now
                known = true;
                lastMeasured = System.nanoTime();
                screen.redraw();
            }
        }
    }

    /** Carriage return and the line cut to the width, so that it never wraps and the block keeps its height. */
    void print(String line) {
        if (console == null) {
            console = new ConsoleProgressBarConsumer(out, width);
        }
        console.accept(line);
    }
}
