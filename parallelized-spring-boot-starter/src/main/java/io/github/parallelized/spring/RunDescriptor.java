package io.github.parallelized.spring;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.parallelized.ProgressSnapshot;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * One run as the {@code parallelized} actuator endpoint shows it. The JSON shape is a contract that dashboards
 * rely on: {@code id, desc, state, total, pending, running, succeeded, failed, cancelled, completed, fraction,
 * ratePerSecond, elapsedSeconds, etaSeconds, postfix, startTime, skipped}; {@code fraction} and {@code etaSeconds} are null
 * while unknown, {@code total} is -1 while unknown. A cluster run adds {@code cluster} ({@link ClusterDescriptor}),
 * a local run has none. Plain getters only (no Jackson annotations), immutable.
 */
final class RunDescriptor implements OperationResponseBody {

    private final ProgressSnapshot snapshot;
    private final ClusterDescriptor cluster;

    RunDescriptor(ProgressSnapshot snapshot) {
        this(snapshot, null);
    }

    /** @param cluster the cluster run's figures, null for a local run */
    RunDescriptor(ProgressSnapshot snapshot, ClusterDescriptor cluster) {
        this.snapshot = snapshot;
        this.cluster = cluster;
    }

    /**
     * A cluster run's figures: its function, the data members, tasks sent and resubmitted, and per member the tasks
     * it runs, has completed and lost; null (left out of the JSON) for a local run.
     */
    public ClusterDescriptor getCluster() {
        return cluster;
    }

    /** Inputs skipped by the run's checkpoint (a success was recorded for them before): counted in the fraction. */
    public long getSkipped() {
        return snapshot.skipped();
    }

    /** The run's id, unique in this JVM. */
    public String getId() {
        return snapshot.id();
    }

    /** The run's description (its metrics' batch tag). */
    public String getDesc() {
        return snapshot.description();
    }

    /** RUNNING, COMPLETED, CANCELLED or FAILED. */
    public String getState() {
        return snapshot.state().name();
    }

    /** The number of inputs, -1 while unknown. */
    public long getTotal() {
        return snapshot.total();
    }

    /** Inputs not yet started (0 while the total is unknown). */
    public long getPending() {
        return snapshot.pending();
    }

    /** Tasks running now. */
    public long getRunning() {
        return snapshot.running();
    }

    /** Tasks that returned normally. */
    public long getSucceeded() {
        return snapshot.succeeded();
    }

    /** Tasks that threw, after their last attempt. */
    public long getFailed() {
        return snapshot.failed();
    }

    /** Inputs cancelled before or while running. */
    public long getCancelled() {
        return snapshot.cancelled();
    }

    /** Succeeded, failed and cancelled together. */
    public long getCompleted() {
        return snapshot.completed();
    }

    /**
     * Completed over total, empty (JSON null) while the total is unknown. An {@code Optional} rather than a nullable {@code Double}: actuator's JSON mapper leaves out null
     * properties, but writes an empty {@code Optional} as {@code null}, which the contract requires.
     */
    public Optional<Double> getFraction() {
        return snapshot.fraction();
    }

    /** Outcomes per second since the start. */
    public double getRatePerSecond() {
        return round(snapshot.ratePerSecond());
    }

    /** Seconds since the start (up to the end, once ended). */
    public double getElapsedSeconds() {
        return seconds(snapshot.elapsed());
    }

    /** Seconds left at the average rate so far, empty (JSON null) while unknown; 0 once ended. */
    public Optional<Double> getEtaSeconds() {
        return snapshot.eta().map(RunDescriptor::seconds);
    }

    /**
     * The pairs last set through the run's progress, in their order: numbers, booleans and null as they are, any
     * other value as its text (as tqdm shows it), so that a value Jackson cannot write (an object without
     * properties, a cycle, a {@code toString()} that throws) or a null key never fails the endpoint for every run.
     */
    public Map<String, Object> getPostfix() {
        Map<String, Object> shown = new LinkedHashMap<>();
        snapshot.postfix().forEach((key, value) -> shown.put(String.valueOf(key),
                value == null || value instanceof Boolean || value instanceof Number n && plain(n) ? value
                        : text(value)));
        return shown;
    }

    /** The JDK's own numbers, which Jackson writes as numbers; a user's Number subclass is shown as text. */
    private static boolean plain(Number value) {
        return value.getClass().getName().startsWith("java.");
    }

    private static String text(Object value) {
        try {
            return String.valueOf(value);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            return value.getClass().getName() + " (its toString() threw " + e.getClass().getSimpleName() + ")";
        }
    }

    /** The start, ISO-8601 in UTC to the second, such as 2026-11-25T22:50:00Z. */
    public String getStartTime() {
        return DateTimeFormatter.ISO_INSTANT.format(snapshot.startedAt().truncatedTo(ChronoUnit.SECONDS));
    }

    private static double seconds(Duration duration) {
        return round(duration.toNanos() / 1e9);
    }

    /** Three decimals: enough for people and dashboards, no noise. */
    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
