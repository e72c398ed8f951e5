package io.github.parallelized;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress as log lines through {@link System.Logger} (see {@link Log}): one at every step of percent (or every
 * 10 s of the run's time without a total) and the summary, each naming the run's id, so that the lines of runs
 * with the same desc can be told apart.
 */
final class LogReporter implements ProgressReporter {

    static final String LOGGER = "io.github.parallelized.progress";
    static final Log LOG = Log.named(LOGGER);
    private static final long UNKNOWN_TOTAL_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final int percentStep;
    private final Map<String, long[]> lastLogged = new ConcurrentHashMap<>();

    LogReporter(int percentStep) {
        if (percentStep < 1 || percentStep > 100) {
            throw new IllegalArgumentException("percentStep must be in 1..100, was " + percentStep);
        }
        this.percentStep = percentStep;
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        ProgressSnapshot s = run.progress().snapshot();
        lastLogged.put(run.id(), new long[] {0, s.elapsed().toNanos()});
        LOG.info("[run {}] {}: started, {} tasks", s.id(), s.description(),
                s.total() < 0 ? "unknown number of" : s.total());
    }

    @Override
    public Duration refreshInterval() {
        return Duration.ofMillis(500);
    }

    @Override
    public void onRefresh(ProgressSnapshot s) {
        long[] last = lastLogged.get(s.id());
        if (last == null) {
            return;
        }
        long now = s.elapsed().toNanos();
        if (s.total() > 0) {
            long step = (long) (s.fraction().orElse(0.0) * 100) / percentStep;
            if (step > last[0] && step * percentStep < 100) {
                last[0] = step;
                LOG.info("[run {}] {}", s.id(), ProgressLine.of(s));
            }
        } else if (now - last[1] >= UNKNOWN_TOTAL_EVERY_NANOS) {
            last[1] = now;
            LOG.info("[run {}] {}", s.id(), ProgressLine.of(s));
        }
    }

    @Override
    public void onWrite(String run, String line) {
        LOG.info("[run {}] {}", run, line);
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        lastLogged.remove(snapshot.id());
        LOG.info("[run {}] {}", snapshot.id(), summary);
    }

    @Override
    public String toString() {
        return "ProgressReporter.log(" + percentStep + ")";
    }
}
