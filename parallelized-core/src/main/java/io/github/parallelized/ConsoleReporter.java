package io.github.parallelized;

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

    private final Screen screen;
    private final Duration interval;
    private final BarLine lines;
    private final boolean writeToStandardError;
    private final Map<String, Bar> bars = new ConcurrentHashMap<>();

    ConsoleReporter(Screen screen, Duration interval, boolean ascii, boolean writeToStandardError) {
        this.screen = screen;
        this.interval = interval;
        this.lines = new BarLine(screen.unicode() && !ascii);
        this.writeToStandardError = writeToStandardError;
    }

    static ConsoleReporter standardError() {
        boolean ascii = booleanProperty(ASCII_PROPERTY);
        boolean toStandardError = writeTarget();
        Screen screen = Screen.standardError();
        return new ConsoleReporter(screen, screen.interactive() ? INTERACTIVE_INTERVAL : PLAIN_INTERVAL, ascii,
                toStandardError);
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
        start(run.progress().snapshot());
    }

    /** A bar for a run whose first snapshot this is. */
    void start(ProgressSnapshot first) {
        Bar bar = new Bar(first);
        bars.put(first.id(), bar);
        bar.update(first, lines, screen.columns());
        screen.add(bar);
    }

    @Override
    public Duration refreshInterval() {
        return interval;
    }

    @Override
    public void onRefresh(ProgressSnapshot snapshot) {
        Bar bar = bars.get(snapshot.id());
        if (bar != null && bar.update(snapshot, lines, screen.columns())) {
            screen.refresh(bar);
        }
    }

    @Override
    public void onWrite(String run, String line) {
        screen.write(line, writeToStandardError);
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        Bar bar = bars.remove(snapshot.id());
        if (bar != null) {
            bar.finish(snapshot, summary, lines, screen.columns());
            screen.finish(bar);
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
        private volatile String line = "";
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
            return true;
        }

        /** Renders the final line, with the plain average rate as tqdm's last line has. */
        synchronized void finish(ProgressSnapshot s, Summary summary, BarLine lines, int columns) {
            line = lines.render(s, RateMeter.average(s.completed(), s.elapsed().toNanos()), columns, true);
            this.summary = summary.toString();
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
