package io.github.parallelized.spring;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

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

    public Double getFraction() {
        return snapshot.fraction().orElse(null);
    }

    public double getRatePerSecond() {
        return round(snapshot.ratePerSecond());
    }

    public double getElapsedSeconds() {
        return seconds(snapshot.elapsed());
    }

    public Double getEtaSeconds() {
        return snapshot.eta().map(RunDescriptor::seconds).orElse(null);
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
