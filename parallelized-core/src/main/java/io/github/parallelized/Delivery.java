package io.github.parallelized;

/**
 * The way out of every outcome, whichever thread makes it: the reporters' {@code onOutcome}, the {@link
 * FailurePolicy}, then the {@link Handoff} to the consumer (with its place in the source when the run is
 * {@linkplain Parallelized.Builder#ordered() ordered}).
 */
final class Delivery<I, R> {

    private final Reporters reporters;
    private final FailurePolicy failurePolicy;
    private final Handoff handoff;
    private final boolean ordered;

    Delivery(Reporters reporters, FailurePolicy failurePolicy, Handoff handoff, boolean ordered) {
        this.reporters = reporters;
        this.failurePolicy = failurePolicy;
        this.handoff = handoff;
        this.ordered = ordered;
    }

    /** Hands the outcome over through the outbox of the worker whose thread delivers it (null: the shared queue). */
    void deliver(Handoff.Outbox outbox, long seq, Outcome<I, R> outcome) {
        reporters.outcome(outcome);
        if (!outcome.isSuccess() && !outcome.isCancelled()) {
            failurePolicy.failed(outcome.error());
        }
        handoff.publish(outbox, ordered ? new Sequenced(seq, outcome) : outcome);
    }

    /** An outcome with its place in the source, for {@link Parallelized.Builder#ordered()}. */
    record Sequenced(long seq, Outcome<?, ?> outcome) {
    }
}
