package io.github.parallelized;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progressbar-library bar per run on a {@link Screen}. The library renders; we drive it from our own
 * refresh tick with counters the workers bump, so workers never touch the bar, and closing a run never waits
 * for the library's thread.
 */
final class ConsoleReporter implements ProgressReporter {

    static final Duration INTERACTIVE_INTERVAL = Duration.ofMillis(200);
    static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);

    private final Screen screen;
    private final Duration interval;
    private final Map<String, Bar> bars = new ConcurrentHashMap<>();

    ConsoleReporter(Screen screen, Duration interval) {
        this.screen = screen;
        this.interval = interval;
    }

    static ConsoleReporter standardError() {
        Screen screen = Screen.standardError();
        return new ConsoleReporter(screen, screen.interactive() ? INTERACTIVE_INTERVAL : PLAIN_INTERVAL);
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        Bar bar = new Bar(run.progress().snapshot(), screen.width());
        bars.put(run.id(), bar);
        screen.add(bar);
    }

    @Override
    public Duration refreshInterval() {
        return interval;
    }

    @Override
    public void onRefresh(ProgressSnapshot snapshot) {
        Bar bar = bars.get(snapshot.id());
        if (bar != null) {
            bar.update(snapshot);
            screen.refresh(bar);
        }
    }

    @Override
    public void onWrite(String run, String line) {
        screen.println(line);
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        Bar bar = bars.remove(snapshot.id());
        if (bar != null) {
            bar.update(snapshot);
            screen.retire(bar, summary.toString());
            bar.dispose();
        }
    }

    @Override
    public String toString() {
        return "ProgressReporter.console()";
    }

    /** One run's bar: the library's ProgressBar rendering into a string that the screen prints. */
    static final class Bar {
        private final ProgressBar bar;
        private volatile String rendered = "";
        /** The thread rendering in {@link #update}: renders by the library's own timer thread are ignored. */
        private volatile Thread renderer;

        Bar(ProgressSnapshot start, int width) {
            bar = new ProgressBarBuilder()
                    .setTaskName(start.description())
                    .setInitialMax(start.total())
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis((int) PLAIN_INTERVAL.toMillis())
                    .continuousUpdate()
                    .showSpeed()
                    .setConsumer(new Capture(width))
                    .build();
            update(start);
        }

        void update(ProgressSnapshot s) {
            synchronized (bar) {
                bar.maxHint(s.total());
                bar.stepTo(s.completed());
                StringBuilder extra = new StringBuilder();
                if (s.failed() > 0) {
                    extra.append(" failed=").append(s.failed());
                }
                if (s.cancelled() > 0) {
                    extra.append(" cancelled=").append(s.cancelled());
                }
                if (!s.postfix().isEmpty()) {
                    extra.append(' ').append(Postfix.format(s.postfix()));
                }
                bar.setExtraMessage(extra.toString());
                renderer = Thread.currentThread();
                try {
                    bar.refresh();
                } finally {
                    renderer = null;
                }
            }
        }

        String line() {
            return rendered;
        }

        /** The library's close waits for its own thread; let the shared timer do that, not the closing caller. */
        void dispose() {
            Timer.schedule(bar::close, Duration.ZERO);
        }

        /** Keeps the latest rendering instead of printing it: the screen decides when and where it goes. */
        private final class Capture implements ProgressBarConsumer {
            private final int width;

            Capture(int width) {
                this.width = width;
            }

            @Override
            public int getMaxRenderedLength() {
                return width;
            }

            @Override
            public void accept(String line) {
                if (Thread.currentThread() == renderer) {
                    rendered = line;
                }
            }

            @Override
            public void clear() {
            }

            @Override
            public void close() {
            }
        }
    }
}
