package io.github.parallelized;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * The reporters of one run, each guarded: the first exception a reporter throws is logged and the reporter is
 * left out for the rest of the run, so a broken display or listener never breaks the run.
 */
final class Reporters {

    static final Log LOG = Log.named("io.github.parallelized");

    private final String runId;
    private final ProgressReporter[] all;
    private final boolean[] broken;
    /** The indexes of the reporters that override onOutcome: the hot path calls only those. */
    private final int[] outcomeListeners;
    private final List<ScheduledFuture<?>> refreshes = new ArrayList<>();

    Reporters(String runId, ProgressReporter display, List<ProgressReporter> listeners) {
        this.runId = runId;
        List<ProgressReporter> list = new ArrayList<>();
        list.add(display);
        list.addAll(listeners);
        this.all = list.toArray(new ProgressReporter[0]);
        this.broken = new boolean[all.length];
        // a plain loop: a stream here cost a cold start() a few milliseconds of class loading
        int[] overriding = new int[all.length];
        int count = 0;
        for (int i = 0; i < all.length; i++) {
            if (overridesOnOutcome(all[i])) {
                overriding[count++] = i;
            }
        }
        this.outcomeListeners = java.util.Arrays.copyOf(overriding, count);
    }

    private static boolean overridesOnOutcome(ProgressReporter reporter) {
        try {
            return reporter.getClass().getMethod("onOutcome", String.class, Outcome.class).getDeclaringClass()
                    != ProgressReporter.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /** onStart, then the refreshes: a reporter that throws in either (refreshInterval too) is left out. */
    void start(Parallelized<?, ?> run) {
        each("onStart", reporter -> reporter.onStart(run));
        for (int i = 0; i < all.length; i++) {
            int index = i;
            java.time.Duration[] interval = new java.time.Duration[1];
            call(i, "refreshInterval", reporter -> interval[0] = reporter.refreshInterval());
            java.time.Duration every = interval[0];
            if (!broken[i] && every != null && !every.isZero() && !every.isNegative()) {
                refreshes.add(Timer.every(() -> call(index, "onRefresh", r -> r.onRefresh(run.progress().snapshot())),
                        every, builtIn(all[i])));
            }
        }
    }

    /** The displays of this library, whose onRefresh never blocks: they share one refresh thread. */
    private static boolean builtIn(ProgressReporter reporter) {
        return reporter instanceof ConsoleReporter || reporter instanceof LogReporter
                || reporter instanceof SilentReporter;
    }

    /** The hot path: called by workers for every outcome. */
    void outcome(Outcome<?, ?> outcome) {
        for (int i : outcomeListeners) {
            if (!isBroken(i)) {
                try {
                    all[i].onOutcome(runId, outcome);
                } catch (Throwable e) {
                    disable(i, "onOutcome", e);
                }
            }
        }
    }

    void write(String line) {
        each("onWrite", reporter -> reporter.onWrite(runId, line));
    }

    /** Called once per run (its {@link Lifecycle} sees to that), also after a failed start. */
    void finish(ProgressSnapshot snapshot, Summary summary) {
        refreshes.forEach(refresh -> refresh.cancel(false));
        each("onFinish", reporter -> reporter.onFinish(snapshot, summary));
    }

    private void each(String callbackName, Consumer<ProgressReporter> callback) {
        for (int i = 0; i < all.length; i++) {
            call(i, callbackName, callback);
        }
    }

    private void call(int index, String callbackName, Consumer<ProgressReporter> callback) {
        if (isBroken(index)) {
            return;
        }
        try {
            callback.accept(all[index]);
        } catch (Throwable e) {
            disable(index, callbackName, e);
        }
    }

    /** Synchronized so that two threads failing at once warn once; reached only on a reporter's failure. */
    /**
     * Whether the reporter was left out: read with acquire semantics, as outcomes come on many threads (a call that
     * another thread began before the reporter threw still runs to its end: it is not called again after that).
     */
    private boolean isBroken(int index) {
        return (boolean) BROKEN.getAcquire(broken, index);
    }

    private static final java.lang.invoke.VarHandle BROKEN =
            java.lang.invoke.MethodHandles.arrayElementVarHandle(boolean[].class);

    private synchronized void disable(int index, String where, Throwable error) {
        if (!broken[index]) {
            BROKEN.setRelease(broken, index, true);
            LOG.warn("progress reporter {} failed in {} of run {} and is ignored for the rest of the run: {}",
                    all[index].getClass().getName(), where, runId, Errors.describe(error, false), error);
        }
    }
}
