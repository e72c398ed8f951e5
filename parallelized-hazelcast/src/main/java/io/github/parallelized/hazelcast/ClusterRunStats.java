package io.github.parallelized.hazelcast;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the cluster did for one run, beside the core's {@link io.github.parallelized.Summary}: how many tasks
 * were sent to members, how many of them had to be sent again because their member was lost, which member
 * completed how many, and per member what it has now. Immutable and thread-safe; a snapshot taken by
 * {@link ParallelizedCluster#stats(io.github.parallelized.Parallelized)}.
 *
 * @param runId             the run's {@linkplain io.github.parallelized.Parallelized#id() id}
 * @param function          the registered name the run applies
 * @param submissions       tasks sent to a member, first sendings and resubmissions together
 * @param resubmissions     tasks sent again because the member they were on left, crashed or disconnected; each may
 *                          have run twice (execution is at least once)
 * @param completedByMember answers received, by the member's address ({@code host:port}), in no particular order
 * @param members           the cluster's data members now and those that had tasks of the run before they left, by
 *                          address: each with the run's tasks it runs now, has completed, and lost (resubmitted)
 */
public record ClusterRunStats(String runId, String function, long submissions, long resubmissions,
                              Map<String, Long> completedByMember, List<ClusterMemberStats> members) {

    /**
     * Checks and copies the components.
     *
     * @param runId             see the record component of that name
     * @param function          see the record component of that name
     * @param submissions       see the record component of that name
     * @param resubmissions     see the record component of that name
     * @param completedByMember see the record component of that name
     * @param members           see the record component of that name
     * @throws NullPointerException if a reference component is null, or an element of {@code members}
     */
    public ClusterRunStats {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(function, "function");
        completedByMember = Map.copyOf(completedByMember);
        members = List.copyOf(members);
    }

    /**
     * The figures without the per-member view (an empty {@link #members()}): the form of the first version.
     *
     * @param runId             see the record component of that name
     * @param function          see the record component of that name
     * @param submissions       see the record component of that name
     * @param resubmissions     see the record component of that name
     * @param completedByMember see the record component of that name
     * @throws NullPointerException if a reference component is null
     */
    public ClusterRunStats(String runId, String function, long submissions, long resubmissions,
                           Map<String, Long> completedByMember) {
        this(runId, function, submissions, resubmissions, completedByMember, List.of());
    }
}
