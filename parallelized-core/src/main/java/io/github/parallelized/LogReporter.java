package io.github.parallelized;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress as SLF4J lines: one at every step of percent (or every 10 s without a total) and the summary. */
final class LogReporter implements ProgressReporter {

    static final Logger LOG = LoggerFactory.getLogger("io.github.parallelized.progress");
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
        lastLogged.put(run.id(), new long[] {0, System.nanoTime()});
        ProgressSnapshot s = run.progress().snapshot();
        LOG.info("{}: started, {} tasks", s.description(), s.total() < 0 ? "unknown number of" : s.total());
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
        long now = System.nanoTime();
        if (s.total() > 0) {
            long step = (long) (s.fraction().orElse(0.0) * 100) / percentStep;
            if (step > last[0] && step * percentStep < 100) {
                last[0] = step;
                LOG.info(ProgressLine.of(s));
            }
        } else if (now - last[1] >= UNKNOWN_TOTAL_EVERY_NANOS) {
            last[1] = now;
            LOG.info(ProgressLine.of(s));
        }
    }

    @Override
    public void onWrite(String run, String line) {
        LOG.info(line);
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        lastLogged.remove(snapshot.id());
        LOG.info(summary.toString());
    }

    @Override
    public String toString() {
        return "ProgressReporter.log(" + percentStep + ")";
    }
}
