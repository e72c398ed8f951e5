package io.github.parallelized;

/** One plain line for a snapshot, for logs: {@code "Rendering: 40% (400/1000), 95.10it/s, 0:00:04 elapsed, ETA 0:00:06"}. */
final class ProgressLine {

    private ProgressLine() {
    }

    static String of(ProgressSnapshot s) {
        StringBuilder line = new StringBuilder(s.description()).append(": ");
        if (s.total() >= 0) {
            line.append((int) Math.floor(s.fraction().orElse(0.0) * 100)).append("% (")
                    .append(s.completed()).append('/').append(s.total()).append(')');
        } else {
            line.append(s.completed()).append(" done");
        }
        if (s.failed() > 0) {
            line.append(", ").append(s.failed()).append(" failed");
        }
        if (s.cancelled() > 0) {
            line.append(", ").append(s.cancelled()).append(" cancelled");
        }
        line.append(", ").append(Units.rate(s.ratePerSecond()))
                .append(", ").append(Durations.clock(s.elapsed())).append(" elapsed");
        s.eta().ifPresent(eta -> line.append(", ETA ").append(Durations.clock(eta)));
        if (!s.postfix().isEmpty()) {
            line.append(", ").append(Postfix.format(s.postfix()));
        }
        return line.toString();
    }
}
