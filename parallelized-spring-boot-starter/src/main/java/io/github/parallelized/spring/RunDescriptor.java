package io.github.parallelized.spring;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

import io.github.parallelized.ProgressSnapshot;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * One run as the {@code parallelized} actuator endpoint shows it. The JSON shape is a contract that dashboards
 * rely on: {@code id, desc, state, total, pending, running, succeeded, failed, cancelled, completed, fraction,
 * ratePerSecond, elapsedSeconds, etaSeconds, postfix, startTime}; {@code fraction} and {@code etaSeconds} are null
 * while unknown, {@code total} is -1 while unknown. Plain getters only (no Jackson annotations), immutable.
 */
final class RunDescriptor implements OperationResponseBody {

    private final ProgressSnapshot snapshot;

    RunDescriptor(ProgressSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    public String getId() {
        return snapshot.id();
    }

    public String getDesc() {
        return snapshot.description();
    }

    public String getState() {
        return snapshot.state().name();
    }

    public long getTotal() {
        return snapshot.total();
    }

    public long getPending() {
        return snapshot.pending();
    }

    public long getRunning() {
        return snapshot.running();
    }

    public long getSucceeded() {
        return snapshot.succeeded();
    }

    public long getFailed() {
        return snapshot.failed();
    }

    public long getCancelled() {
        return snapshot.cancelled();
    }

    public long getCompleted() {
        return snapshot.completed();
    }

    /**
     * An {@code Optional} rather than a nullable {@code Double}: actuator's JSON mapper leaves out null
     * properties, but writes an empty {@code Optional} as {@code null}, which the contract requires.
     */
    public Optional<Double> getFraction() {
        return snapshot.fraction();
    }

    public double getRatePerSecond() {
        return round(snapshot.ratePerSecond());
    }

    public double getElapsedSeconds() {
        return seconds(snapshot.elapsed());
    }

    /** Optional for the same reason as {@link #getFraction()}. */
    public Optional<Double> getEtaSeconds() {
        return snapshot.eta().map(RunDescriptor::seconds);
    }

    public Map<String, Object> getPostfix() {
        return snapshot.postfix();
    }

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
