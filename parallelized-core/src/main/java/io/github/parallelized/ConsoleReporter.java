package io.github.parallelized;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tqdm-like bar per run on a {@link Screen}. Workers only bump the run's counters; this reporter renders a
 * line per refresh tick ({@link BarLine}, with the rate of a {@link RateMeter}) and hands it to the screen,
 * which decides where it goes. Closing a run never waits for anything but the screen's lock.
 *
 * <p>Two system properties, read when the reporter is made ({@link ProgressReporter#console()}):
 * {@value #ASCII_PROPERTY} ({@code true} for an ASCII bar even on a UTF-8 terminal) and
 * {@value #WRITE_PROPERTY} ({@code stdout}, the default, or {@code stderr}: where {@link Progress#write} lines go).
 */
final class ConsoleReporter implements ProgressReporter {

    static final String ASCII_PROPERTY = "parallelized.console.ascii";
    static final String WRITE_PROPERTY = "parallelized.console.write";
    static final Duration INTERACTIVE_INTERVAL = Duration.ofMillis(200);
    static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);

    private final boolean ascii;
    private final boolean writeToStandardError;
    /**
     * The screen and what depends on it, made at the first use (a run's onStart) rather than when the reporter is
     * made, which for the default display is inside {@code start()} before the run's clock begins.
     */
    private volatile Setup setup;
    /**
     * Whether its runs' onStart and refreshes are set up on a thread of their own rather than by {@code start()}
     * (see {@link Reporters}): the reporter of standard error's screen, which no run has looked at yet, and the
     * one that draws at the first refresh, which behaves as it does on a terminal.
     */
    private final boolean startsOffTheCaller;
    private final Map<String, Bar> bars = new ConcurrentHashMap<>();
    /**
     * Whether a run's first line is drawn at its first refresh rather than in {@code start()}: rendering it the
     * first time in a JVM loads the formatting (Formatter, regular expressions, locale data) and measuring the
     * terminal starts a process, tens of milliseconds that the caller of {@code start()} should not wait for,
     * nor share the processor with. A run that ends before its first refresh shows its final line only.
     */
    private record Setup(Screen screen, Duration interval, BarLine lines, boolean drawFirstLineLater) {
    }

    ConsoleReporter(Screen screen, Duration interval, boolean ascii, boolean writeToStandardError) {
        this.ascii = ascii;
        this.writeToStandardError = writeToStandardError;
        this.startsOffTheCaller = false;
        this.setup = new Setup(screen, interval, new BarLine(screen.unicode() && !ascii), false);
    }

    /** A reporter that draws a run's first line at its first refresh, as the default one does on a terminal. */
    static ConsoleReporter drawingAtFirstRefresh(Screen screen, Duration interval) {
        ConsoleReporter reporter = new ConsoleReporter(false, false);
        reporter.setup = new Setup(screen, interval, new BarLine(screen.unicode()), true);
        return reporter;
    }

    /** The reporter of standard error's screen, which is found (and the terminal looked at) at the first use. */
    private ConsoleReporter(boolean ascii, boolean writeToStandardError) {
        this.ascii = ascii;
        this.writeToStandardError = writeToStandardError;
        this.startsOffTheCaller = true;
    }

    boolean startsOffTheCaller() {
        return startsOffTheCaller;
    }

    private Setup setup() {
        Setup found = setup;
        if (found == null) {
            synchronized (this) {
                found = setup;
                if (found == null) {
                    Screen screen = Screen.standardError();
                    found = new Setup(screen, screen.interactive() ? INTERACTIVE_INTERVAL : PLAIN_INTERVAL,
                            new BarLine(screen.unicode() && !ascii), screen.interactive());
                    setup = found;
                }
            }
        }
        return found;
    }

    static ConsoleReporter standardError() {
        boolean ascii = booleanProperty(ASCII_PROPERTY);
        boolean toStandardError = writeTarget();
        return new ConsoleReporter(ascii, toStandardError);
    }

    private static boolean booleanProperty(String name) {
        String value = System.getProperty(name, "false").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new IllegalArgumentException(
                    "system property " + name + " must be true or false, was '" + System.getProperty(name) + "'");
        };
    }

    private static boolean writeTarget() {
        String value = System.getProperty(WRITE_PROPERTY, "stdout").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "stdout", "" -> false;
            case "stderr" -> true;
            default -> throw new IllegalArgumentException("system property " + WRITE_PROPERTY
                    + " must be stdout or stderr, was '" + System.getProperty(WRITE_PROPERTY) + "'");
        };
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        if (!setup().drawFirstLineLater()) {
            start(run.progress().snapshot());
            return;
        }
        // the bar's clock is the run's (it counts from start()); only the drawing waits for the first refresh
        ProgressSnapshot first = run.progress().snapshot();
        Bar bar = new Bar(first);
        bar.shown = false;
        bars.put(first.id(), bar);
    }

    /** A bar for a run whose first snapshot this is. */
    void start(ProgressSnapshot first) {
        Setup s = setup();
        Bar bar = new Bar(first);
        bars.put(first.id(), bar);
        bar.update(first, s.lines(), s.screen().columns());
        s.screen().add(bar);
    }

    @Override
    public Duration refreshInterval() {
        return setup().interval();
    }

    @Override
    public void onRefresh(ProgressSnapshot snapshot) {
        Bar bar = bars.get(snapshot.id());
        Setup s = setup();
        if (bar != null && bar.update(snapshot, s.lines(), s.screen().columns())) {
            if (bar.shown) {
                s.screen().refresh(bar);
            } else {
                bar.shown = true;
                s.screen().add(bar);
            }
        }
    }

    @Override
    public void onWrite(String run, String line) {
        setup().screen().write(line, writeToStandardError);
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        Bar bar = bars.remove(snapshot.id());
        if (bar != null) {
            Setup s = setup();
            bar.finish(snapshot, summary, s.lines(), s.screen().columns());
            s.screen().finish(bar);
        }
    }

    @Override
    public String toString() {
        return "ProgressReporter.console()";
    }

    /**
     * One run's bar: its rate and its latest line. The refresh thread and the closing thread both update it;
     * once finished, a late refresh changes nothing, so the final line is never overwritten by a stale one.
     */
    static final class Bar {
        private final RateMeter rate;
        /** Whether the screen has it: false until the first refresh when its first line is drawn later. */
        volatile boolean shown = true;
        /**
         * Whether the screen has this bar's end ({@link Screen#finish}): set and read under the screen's lock. Not
         * {@link #finished()}, which the closing thread sets before it takes that lock.
         */
        boolean ended;
        private volatile String line = "";
        /** The count that {@link #line} shows. */
        private volatile long lineCount = -1;
        /** Off a terminal: the count of the last live line printed, under the screen's lock; -1: none yet. */
        private long printedCount = -1;
        /** Set with the final line: the run completed (neither cancelled nor failed). */
        private volatile boolean completed;
        private volatile String summary;

        Bar(ProgressSnapshot first) {
            rate = new RateMeter(first.completed(), first.elapsed().toNanos());
        }

        /** Renders a live line; false if the run has finished meanwhile. */
        synchronized boolean update(ProgressSnapshot s, BarLine lines, int columns) {
            if (summary != null) {
                return false;
            }
            long nanos = s.elapsed().toNanos();
            rate.update(s.completed(), nanos);
            line = lines.render(s, rate.smoothed(s.completed(), nanos), columns, false);
            lineCount = s.completed();
            return true;
        }

        /** Renders the final line, with the plain average rate as tqdm's last line has. */
        synchronized void finish(ProgressSnapshot s, Summary summary, BarLine lines, int columns) {
            line = lines.render(s, RateMeter.average(s.completed(), s.elapsed().toNanos()), columns, true);
            lineCount = s.completed();
            completed = s.state() == RunState.COMPLETED;
            this.summary = BarLine.visible(summary.toString());
        }

        /** Off a terminal: its live line, a whole line of the log. Under the screen's lock. */
        void printLive(PrintStream out) {
            long count = lineCount; // read first: a line newer than its count is at worst printed again at the end
            out.println(line);
            out.flush();
            printedCount = count;
        }

        /**
         * Off a terminal: its final line and summary. The final line is left out when it would only repeat the last
         * live line printed: the run completed with the count that line showed (it ended before its first line was
         * printed, or between two refreshes), so a log has its 100 % line once. Under the screen's lock.
         */
        void printEnd(PrintStream out) {
            if (!(completed && lineCount == printedCount)) {
                out.println(line);
            }
            out.println(summary);
            out.flush();
        }

        String line() {
            return line;
        }

        /** The run's summary once it has finished, else null. */
        String summary() {
            return summary;
        }

        boolean finished() {
            return summary != null;
        }
    }
}
