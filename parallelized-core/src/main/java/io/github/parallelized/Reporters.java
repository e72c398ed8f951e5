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

    /** The core's log ({@code io.github.parallelized}), made at its first line: a cold start() does not need it. */
    static Log log() {
        return Failures.LOG;
    }

    private final String runId;
    private final ProgressReporter[] all;
    private final boolean[] broken;
    /** The indexes of the reporters that override onOutcome: the hot path calls only those. */
    private final int[] outcomeListeners;
    private final List<ScheduledFuture<?>> refreshes = new ArrayList<>();
    /** Set once a display's refreshes were scheduled: the refresh thread's classes are loaded, a start may use it. */
    private static volatile boolean timerReady;
    /** The start of the default console display, when it starts off the caller's thread; else null. */
    private volatile DisplayStart display;

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
        if (reporter instanceof ConsoleReporter || reporter instanceof SilentReporter) {
            return false; // the built-in displays, known without reflection (a cold getMethod costs a start())
        }
        try {
            return reporter.getClass().getMethod("onOutcome", String.class, Outcome.class).getDeclaringClass()
                    != ProgressReporter.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }

    /**
     * onStart, then the refreshes: a reporter that throws in either (refreshInterval too) is left out. The default
     * console display is started later, off the caller's thread ({@link #startDisplay}); the others here,
     * before the run's loops start. Plain loops, no lambda: each lambda is a class spun at its first use, a cold
     * start()'s cost.
     */
    void start(Parallelized<?, ?> run) {
        int first = 0;
        if (all[0] instanceof ConsoleReporter console && console.startsOffTheCaller()) {
            first = 1;
            display = new DisplayStart(run);
        }
        for (int i = first; i < all.length; i++) {
            try {
                all[i].onStart(run);
            } catch (Throwable e) {
                disable(i, "onStart", e);
            }
        }
        for (int i = first; i < all.length; i++) {
            ScheduledFuture<?> refresh = refreshes(i, run);
            if (refresh != null) {
                refreshes.add(refresh);
            }
        }
    }

    /**
     * Starts the default console display, if {@link #start} left it for later, on the displays' refresh thread (the
     * JVM's first on a thread of its own, which loads that thread's classes): called once the run's loops have
     * started, so that neither the caller of {@code start()} nor its loops wait for it.
     */
    void startDisplay() {
        DisplayStart start = display;
        if (start != null) {
            start.begin();
        }
    }

    /**
     * Schedules the refreshes of a reporter not left out by its onStart, as often as it asks; null if it asks for
     * none. Called on the thread that called onStart, which reads what it wrote plainly (each refresh looks again).
     */
    private ScheduledFuture<?> refreshes(int index, Parallelized<?, ?> run) {
        if (broken[index]) {
            return null;
        }
        java.time.Duration every;
        try {
            every = all[index].refreshInterval();
        } catch (Throwable e) {
            disable(index, "refreshInterval", e);
            return null;
        }
        if (every == null || every.isZero() || every.isNegative()) {
            return null;
        }
        return Timer.every(() -> call(index, "onRefresh", r -> r.onRefresh(run.progress().snapshot())), every,
                builtIn(all[index]));
    }

    /**
     * The start of the default console display, off the thread that calls {@code start()}: finding the screen
     * (the terminal, the environment), the bar's classes and the refresh thread cost a cold start() milliseconds.
     * The run's clock is not the display's: it began with {@code start()}, and every snapshot the bar draws
     * carries it. Whichever comes first, that thread or the run's finish (a run that could not start, or
     * ended at once), starts it (onStart, then the refreshes); the finish waits for a start under way, so the display
     * always sees onStart before onFinish, and no refresh after it.
     */
    private final class DisplayStart implements Runnable {
        private final Parallelized<?, ?> run;
        /** Guarded by this. */
        private boolean started;
        /** The display's refreshes, or null. Guarded by this. */
        private ScheduledFuture<?> refresh;

        DisplayStart(Parallelized<?, ?> run) {
            this.run = run;
        }

        void begin() {
            try {
                if (timerReady) {
                    // on the built-in displays' refresh thread, not a thread per run: a new platform thread's
                    // start() waits until the thread runs, which on cores busy with the run's loops took milliseconds
                    Timer.schedule(this, java.time.Duration.ZERO);
                    return;
                }
                // the JVM's first display: the refresh thread's classes are loaded there, off the caller's start()
                Thread thread = new Thread(this, "parallelized-display-" + runId);
                thread.setDaemon(true);
                thread.start();
            } catch (Throwable e) {
                // no thread to be had (the JVM is out of them): the caller starts the display itself
                run();
            }
        }

        @Override
        public synchronized void run() {
            if (started) {
                return;
            }
            started = true;
            try {
                all[0].onStart(run);
            } catch (Throwable e) {
                disable(0, "onStart", e);
            }
            refresh = refreshes(0, run);
            if (refresh != null) {
                timerReady = true;
            }
        }

        /** Called at the run's finish: the display has started (here if not yet), and refreshes no more. */
        synchronized void finish() {
            run();
            if (refresh != null) {
                refresh.cancel(false);
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
        for (int i = 0; i < all.length; i++) {
            call(i, "onWrite", reporter -> reporter.onWrite(runId, line));
        }
    }

    /** Before the run's state is fixed: the work of the reporters that decide it ({@link DecidesTheEnd}). */
    void beforeFinish() {
        for (int i = 0; i < all.length; i++) {
            if (all[i] instanceof DecidesTheEnd deciding) {
                call(i, "beforeFinish", reporter -> deciding.beforeFinish());
            }
        }
    }

    /**
     * Called once per run (its {@link Lifecycle} sees to that), also after a failed start. The reporters of this
     * library hear of the end on this thread; from the first other one on, they do on a pool thread, in order, and
     * this thread waits for them a bounded time ({@link FinishCalls}): a reporter that never returns from onFinish
     * must not hold the run's close() for ever.
     */
    void finish(ProgressSnapshot snapshot, Summary summary) {
        DisplayStart start = display;
        if (start != null) {
            start.finish();
        }
        for (ScheduledFuture<?> refresh : refreshes) {
            refresh.cancel(false);
        }
        int index = 0;
        for (; index < all.length && (builtIn(all[index]) || all[index] instanceof DecidesTheEnd); index++) {
            finishOne(index, snapshot, summary);
        }
        if (index < all.length) {
            new FinishCalls(this, index, snapshot, summary).callAndWait();
        }
    }

    /** One reporter's onFinish, guarded. */
    void finishOne(int index, ProgressSnapshot snapshot, Summary summary) {
        call(index, "onFinish", reporter -> reporter.onFinish(snapshot, summary));
    }

    int size() {
        return all.length;
    }

    /** The reporter's class name, for a log line (its toString() is user code). */
    String nameOf(int index) {
        return all[index].getClass().getName();
    }

    String runId() {
        return runId;
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

    /**
     * Whether the reporter was left out: read with acquire semantics, as outcomes come on many threads (a call that
     * another thread began before the reporter threw still runs to its end: it is not called again after that).
     */
    private boolean isBroken(int index) {
        return (boolean) Failures.BROKEN.getAcquire(broken, index);
    }

    /**
     * What a reporter's failure needs, made at the first use rather than in a cold start(): the log, and the handle
     * of {@link #broken}'s elements (first read at a run's end, or at its first outcome for a reporter that takes
     * them).
     */
    private static final class Failures {
        static final Log LOG = Log.named("io.github.parallelized");
        static final java.lang.invoke.VarHandle BROKEN =
                java.lang.invoke.MethodHandles.arrayElementVarHandle(boolean[].class);
    }

    /** Synchronized so that two threads failing at once warn once; reached only on a reporter's failure. */
    private synchronized void disable(int index, String where, Throwable error) {
        if (!broken[index]) {
            Failures.BROKEN.setRelease(broken, index, true);
            Failures.LOG.warn("progress reporter {} failed in {} of run {} and is ignored for the rest of the run: {}",
                    all[index].getClass().getName(), where, runId, Errors.describe(error, false), error);
        }
    }
}
