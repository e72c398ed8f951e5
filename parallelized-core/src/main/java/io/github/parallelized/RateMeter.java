package io.github.parallelized;

/**
 * The rate of one bar, as tqdm computes it. Between two refreshes that saw progress, the items done and the
 * time taken each feed an exponential moving average ({@link #SMOOTHING} 0.3, bias-corrected, so the first
 * refresh already gives the true rate); the live rate is their ratio. A stall is not averaged in as zero:
 * its time counts toward the next refresh that sees progress, as in tqdm. The final line shows the plain
 * average instead ({@link #average}). Not thread-safe: one bar's refreshes are serialised by its owner.
 */
final class RateMeter {

    /** tqdm's default: the weight of the newest interval. */
    static final double SMOOTHING = 0.3;

    private final Average items = new Average();
    private final Average nanos = new Average();
    private long lastCount;
    private long lastNanos;

    RateMeter(long count, long elapsedNanos) {
        lastCount = count;
        lastNanos = elapsedNanos;
    }

    /** Takes the count at the given elapsed time into the averages, if anything was done since the last one. */
    void update(long count, long elapsedNanos) {
        long doneSince = count - lastCount;
        long nanosSince = elapsedNanos - lastNanos;
        if (doneSince > 0 && nanosSince > 0) {
            items.add(doneSince);
            nanos.add(nanosSince);
            lastCount = count;
            lastNanos = elapsedNanos;
        }
    }

    /**
     * The smoothed rate.
     *
     * @param count        the count now, for the fallback
     * @param elapsedNanos the time since the start, for the fallback
     * @return items per second; the plain average until a refresh has seen progress
     */
    double smoothed(long count, long elapsedNanos) {
        double time = nanos.value();
        return time > 0 ? items.value() / time * 1e9 : average(count, elapsedNanos);
    }

    /**
     * The plain average since the start (tqdm's final line).
     *
     * @return items per second; 0 before any time has passed
     */
    static double average(long count, long elapsedNanos) {
        return elapsedNanos > 0 ? count * 1e9 / elapsedNanos : 0;
    }

    /** tqdm's EMA: {@code last = a * x + (1 - a) * last}, divided by {@code 1 - (1 - a)^calls} against the start at 0. */
    private static final class Average {
        private double last;
        private double weightOfStart = 1;

        void add(double x) {
            last = SMOOTHING * x + (1 - SMOOTHING) * last;
            weightOfStart *= 1 - SMOOTHING;
        }

        double value() {
            return weightOfStart == 1 ? 0 : last / (1 - weightOfStart);
        }
    }
}
