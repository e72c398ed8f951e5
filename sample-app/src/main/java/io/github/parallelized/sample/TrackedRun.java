package io.github.parallelized.sample;

import io.github.parallelized.Errors;
import io.github.parallelized.Outcome;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Parallelized;
import io.github.parallelized.Summary;
import io.github.parallelized.TaskLimit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the service adds to one of its runs (the run itself is in the starter's registry of runs): what its
 * consumer saw of it: the most recent failures, how many tasks needed
 * a retry, and, once the loop is over, the run's summary. Thread-safe: the consumer writes, requests read.
 */
final class TrackedRun {

    private final Parallelized<Integer, String> run;
    private final RunSpec spec;
    private final int keepFailures;
    /** The named limit the run obeys and its name, or null. */
    private final TaskLimit limit;
    private final String limitName;
    private final Deque<RunView.Failure> failures = new ArrayDeque<>();
    private final AtomicLong failureCount = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private volatile Summary summary;
    private volatile String consumerError;
    /** The checkpoint the run records its outcomes under, or null: a run under it skips what succeeded. */
    private final String checkpoint;

    /**
     * @param checkpoint the checkpoint the run records its outcomes under, or null
     * @param limitName  the name of the limit the run obeys ({@code parallelized.limits.<name>}), or null; the
     *                   postfix carries it, so that the dashboard shows the limit's meter on the run's card
     * @param limit      that limit, or null
     */
    TrackedRun(Parallelized<Integer, String> run, RunSpec spec, int keepFailures, String checkpoint, String limitName,
               TaskLimit limit) {
        this.run = run;
        this.limitName = limitName;
        this.limit = limit;
        if (limitName != null) {
            run.pbar().setPostfix(Map.of("kind", spec.kind().label(), "limit", limitName));
        }
        this.spec = spec;
        this.keepFailures = keepFailures;
        this.checkpoint = checkpoint;
    }

    String checkpoint() {
        return checkpoint;
    }

    String id() {
        return run.id();
    }

    Parallelized<Integer, String> run() {
        return run;
    }

    RunSpec spec() {
        return spec;
    }

    boolean isFinished() {
        return summary != null || consumerError != null;
    }

    /** Consumes the outcomes on the calling thread until the run ends, then closes it. */
    void consume() {
        try (run) {
            for (Outcome<Integer, String> outcome : run) {
                record(outcome);
            }
        } catch (RuntimeException e) {
            consumerError = Errors.describe(e, false);
        } finally {
            summary = run.summary();
        }
    }

    private void record(Outcome<Integer, String> outcome) {
        if (outcome.attempts() > 1) {
            retried.incrementAndGet();
        }
        if (!outcome.isSuccess() && !outcome.isCancelled()) {
            failureCount.incrementAndGet();
            RunView.Failure failure = new RunView.Failure(outcome.input(), Errors.describe(outcome.error(), false),
                    outcome.attempts());
            synchronized (failures) {
                failures.addLast(failure);
                if (failures.size() > keepFailures) {
                    failures.removeFirst();
                }
            }
        }
        Map<String, Object> postfix = new LinkedHashMap<>();
        postfix.put("kind", spec.kind().label());
        if (limitName != null) {
            postfix.put("limit", limitName);
        }
        postfix.put("last", "item-" + outcome.input());
        postfix.put("failures", failureCount.get());
        if (spec.kind() == RunKind.FLAKY || spec.kind() == RunKind.API) {
            postfix.put("retried", retried.get());
        }
        run.pbar().setPostfix(postfix);
    }

    RunView view() {
        return view(run.progress().snapshot());
    }

    /** The run as the starter's registry of runs shows it, with what the consumer saw. */
    RunView view(ProgressSnapshot snapshot) {
        List<RunView.Failure> recent;
        synchronized (failures) {
            recent = List.copyOf(failures);
        }
        Summary done = summary;
        return RunView.of(snapshot, spec, failureCount.get(), recent,
                done == null ? null : done.toString(), consumerError, limit == null ? null : limit.waiting(),
                checkpoint);
    }
}
