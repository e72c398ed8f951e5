package io.github.parallelized.hazelcast;

import java.time.Instant;
import java.util.Objects;

/**
 * A named cluster run as the cluster records it in the map {@link ParallelizedCluster#RUNS_MAP}: which function it
 * applies, which submitter holds it (or held it last), and whether that submitter is still there. Started with
 * {@link ParallelizedCluster#resumable(String, String, Iterable, java.util.function.Function)}, listed by
 * {@link ParallelizedCluster#namedRuns()} and {@link ParallelizedCluster#orphanedRuns()}, taken over by
 * {@link ParallelizedCluster#resume(String, Iterable, java.util.function.Function)}. Immutable and thread-safe; a
 * snapshot (times are the clock of the member that keeps the record).
 *
 * @param name      the run's name, also its checkpoint's name in {@link ParallelizedCluster#checkpointStore()}
 * @param function  the registered name of the function the run applies
 * @param state     what became of it, judged when this snapshot was taken
 * @param submitter who holds it, or held it last: {@code "member 127.0.0.1:5702, pid 4711"} or
 *                  {@code "client ..., pid ..."}
 * @param started   when its current (or last) submitter claimed it
 * @param updated   its submitter's last heartbeat, or when it stopped or finished
 * @param takeovers how many times it was taken over from a submitter that had died or stopped before its end
 */
public record NamedRun(String name, String function, State state, String submitter, Instant started,
                       Instant updated, int takeovers) {

    /**
     * Checks the components.
     *
     * @param name      see the record component of that name
     * @param function  see the record component of that name
     * @param state     see the record component of that name
     * @param submitter see the record component of that name
     * @param started   see the record component of that name
     * @param updated   see the record component of that name
     * @param takeovers see the record component of that name
     * @throws NullPointerException if a reference component is null
     */
    public NamedRun {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(updated, "updated");
    }

    /**
     * Whether a submitter may take the run now: every state but {@link State#RUNNING}.
     *
     * @return true if {@link ParallelizedCluster#resume} would claim it
     */
    public boolean isResumable() {
        return state != State.RUNNING;
    }

    /** What became of a named run. */
    public enum State {
        /** Its submitter is in the cluster and heart-beating: nobody else may run it. */
        RUNNING,
        /**
         * Its submitter died before the end: a member that left the cluster, or a submitter (a client) whose
         * heartbeat is older than its lease. Resume it: what succeeded is skipped.
         */
        ORPHANED,
        /** Its submitter stopped it before the end (cancel, a {@code break}, a failure policy, a failed store). */
        STOPPED,
        /** Every input became an outcome; resuming it runs what failed, if anything. */
        FINISHED
    }
}
