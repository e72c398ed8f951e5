package io.github.parallelized.spring;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.github.parallelized.Summary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Ends the runs when the application context closes: gives running runs up to
 * {@code parallelized.shutdown.await-termination} to finish, cancels those still running (logging each by id and
 * desc), gives their consumers up to {@link #CANCEL_GRACE} to take the cancelled inputs, logs each one's summary,
 * then waits (within the same grace) until their threads and the shared pool's are gone. Runs that start
 * meanwhile are cancelled at once. At the JVM's shutdown it first puts back the java.util.logging bridge that the
 * JDK's own shutdown hook removed ({@link JulShutdown}), so that the core's lines of the runs reach the log.
 *
 * <p>Its phase is below the web server's graceful shutdown and above the web server's stop: requests in flight
 * finish first, then the runs, and only then do the beans the tasks may use (data sources, clients) close.
 *
 * <p>A context that is only stopped (Spring's pausing of cached test contexts, a CRaC checkpoint,
 * {@code stop()}) ends its runs the same way but keeps the shared pool, and {@link #start()} takes runs again;
 * the pool is shut down when the context closes ({@link ContextClosedEvent} comes before the stop).
 */
final class RunShutdown implements SmartLifecycle, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

    /** How long cancelled runs get to unwind (tasks see their interrupt) before the pool is forced down. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
    /** Between Spring Boot's graceful web shutdown (DEFAULT_PHASE - 1024) and the web server's stop (- 2048). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

    private static final Logger LOG = LoggerFactory.getLogger(RunShutdown.class);

    private final RunRegistry registry;
    private final SharedPool sharedPool;
    private final ThreadTracker threads;
    private final Duration awaitTermination;
    /** The application's java.util.logging bridge, put back after the JDK's reset at the JVM's shutdown. */
    private final JulShutdown jul = new JulShutdown();
    private volatile boolean running;
    private volatile boolean closing;
    private ApplicationContext context;

    RunShutdown(RunRegistry registry, SharedPool sharedPool, ThreadTracker threads, Duration awaitTermination) {
        this.registry = registry;
        this.sharedPool = sharedPool;
        this.threads = threads;
        this.awaitTermination = awaitTermination;
    }

    @Override
    public void start() {
        registry.endShutdown();
        running = true;
    }

    @Override
    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext;
    }

    /** Its own context's, not a child's (a management context on its own port), whose events reach it too. */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            closing = true;
            // the first moment of the close: from here the runs' lines (progress, summaries) reach the log again
            jul.restore();
        }
    }

    @Override
    public void stop() {
        running = false;
        jul.restore();
        registry.beginShutdown();
        long deadline = System.nanoTime() + awaitTermination.toNanos();
        List<Parallelized<?, ?>> cancelled = List.of();
        if (!registry.awaitLive(deadline, false)) {
            cancelled = registry.live();
            for (Parallelized<?, ?> run : cancelled) {
                ProgressSnapshot snapshot = run.progress().snapshot();
                LOG.warn("Run {} '{}': cancelling it, still going after {} of shutdown"
                                + " (parallelized.shutdown.await-termination); {} of {} inputs done",
                        run.id(), SafeText.forLog(snapshot.description()), format(awaitTermination),
                        snapshot.completed(),
                        snapshot.total() < 0 ? "?" : snapshot.total());
                run.cancel();
            }
        }
        // the consumers take their cancelled inputs now, while the beans they use are still there
        long graceDeadline = System.nanoTime() + CANCEL_GRACE.toNanos();
        boolean finished = registry.awaitLive(graceDeadline, false);
        for (Parallelized<?, ?> run : cancelled) {
            ProgressSnapshot snapshot = run.progress().snapshot();
            String desc = SafeText.forLog(snapshot.description());
            if (snapshot.state() == RunState.RUNNING) {
                LOG.warn("Run {} '{}' cancelled at shutdown: its consumer has not taken its outcomes within {}"
                        + " ({} of {} taken)", run.id(), desc, format(CANCEL_GRACE), snapshot.completed(),
                        snapshot.total() < 0 ? "?" : snapshot.total());
            } else {
                Summary summary = run.summary();
                LOG.warn("Run {} '{}' cancelled at shutdown: {} succeeded, {} failed, {} cancelled in {}", run.id(),
                        desc, summary.succeeded(), summary.failed(), summary.cancelled(),
                        format(summary.elapsed()));
            }
        }
        boolean idle = finished || registry.awaitLive(graceDeadline, true);
        boolean gone = threads.join(graceDeadline);
        if (sharedPool != null && closing) {
            gone &= sharedPool.shutdown(graceDeadline);
        }
        if (!idle || !gone) {
            StringBuilder runs = new StringBuilder();
            for (Parallelized<?, ?> run : registry.live()) {
                ProgressSnapshot snapshot = run.progress().snapshot();
                if (snapshot.running() > 0) {
                    runs.append(runs.length() == 0 ? "" : ", ").append("run ").append(run.id()).append(" '")
                            .append(SafeText.forLog(snapshot.description())).append("' (")
                            .append(snapshot.running()).append(" running)");
                }
            }
            LOG.warn("Some parallelized tasks ignored their interrupt and still run on daemon threads after {}: {}",
                    format(CANCEL_GRACE), runs.length() == 0 ? "tasks of finished runs" : runs);
        }
    }

    /** As a property would be written: {@code 250ms}, {@code 10s}, {@code 18.97s}. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + "ms";
        }
        if (millis % 1000 == 0) {
            return DurationStyle.SIMPLE.print(duration, ChronoUnit.SECONDS);
        }
        return String.format(java.util.Locale.ROOT, "%.2fs", millis / 1000.0);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
