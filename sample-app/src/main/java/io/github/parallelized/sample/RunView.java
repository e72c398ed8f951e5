package io.github.parallelized.sample;

import io.github.parallelized.ProgressSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A run as {@code /api/runs} shows it: the same progress fields as {@code /actuator/parallelized}, plus the
 * request, the most recent failures and, once it is over, its summary.
 *
 * @param id             the run's id, the same as in {@code /actuator/parallelized}
 * @param kind           the kind of run
 * @param desc           the run's name
 * @param state          RUNNING, COMPLETED, CANCELLED or FAILED
 * @param total          the number of inputs
 * @param pending        inputs not yet started
 * @param running        tasks running now
 * @param succeeded      tasks that returned normally
 * @param failed         tasks that failed after their last attempt
 * @param cancelled      inputs cancelled
 * @param completed      succeeded + failed + cancelled
 * @param fraction       completed / total, 0 to 1
 * @param ratePerSecond  outcomes per second since the start
 * @param elapsedSeconds time since the start
 * @param etaSeconds     estimated time left, or null while unknown
 * @param postfix        the postfix last set on the run's progress
 * @param startTime      when the run started (ISO-8601)
 * @param parameters     the parameters of the run that apply to its kind, defaults filled in
 * @param failureCount   how many failures the consumer received
 * @param failures       the most recent failures
 * @param summary        the run's summary line once its outcomes are consumed, else null
 * @param error          why the run ended abnormally (its task source or executor failed), else null
 * @param waitingForLimit for a run under a named limit: the tasks waiting for that limit now (of every run that
 *                        shares it), else null
 * @param skipped        inputs skipped because a success was recorded for them under the run's checkpoint
 * @param checkpoint     the checkpoint the run records its outcomes under ({@code POST /api/runs/{id}/failed-again}
 *                       starts a run under it), or null
 */
public record RunView(String id, String kind, String desc, String state, long total, long pending, long running,
                      long succeeded, long failed, long cancelled, long completed, Double fraction,
                      double ratePerSecond, double elapsedSeconds, Double etaSeconds, Map<String, Object> postfix,
                      String startTime, Map<String, Object> parameters, long failureCount, List<Failure> failures,
                      String summary, String error, Integer waitingForLimit, long skipped, String checkpoint) {

    static RunView of(ProgressSnapshot s, RunSpec spec, long failureCount, List<Failure> failures,
                      String summary, String error, Integer waitingForLimit, String checkpoint) {
        return new RunView(s.id(), spec.kind().label(), s.description(), s.state().name(), s.total(), s.pending(),
                s.running(), s.succeeded(), s.failed(), s.cancelled(), s.completed(), s.fraction().orElse(null),
                s.ratePerSecond(), seconds(s.elapsed()), s.eta().map(RunView::seconds).orElse(null), s.postfix(),
                s.startedAt().toString(), spec.parameters(), failureCount, failures, summary, error,
                waitingForLimit, s.skipped(), checkpoint);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /**
     * One failed input.
     *
     * @param input    the input (its index)
     * @param error    the error, described on one line
     * @param attempts how many times it was tried
     */
    public record Failure(int input, String error, int attempts) {
    }
}
