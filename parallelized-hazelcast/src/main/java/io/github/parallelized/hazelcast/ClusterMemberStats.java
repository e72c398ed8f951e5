package io.github.parallelized.hazelcast;

import java.util.Objects;
import java.util.UUID;

/**
 * What one data member did for one cluster run, as its submitter counted it: part of {@link ClusterRunStats}.
 * Immutable and thread-safe; a snapshot, whose counts were read one after the other while the run went on (they
 * need not add up to the run's totals to the task).
 *
 * @param uuid          the member's Hazelcast id
 * @param address       the member's address, {@code host:port}
 * @param running       the run's tasks sent to the member and not answered yet: running there, or queued in its
 *                      executor, or on their way (0 once the run is over)
 * @param completed     the run's tasks the member answered, successes and task failures alike
 * @param resubmissions the run's tasks sent again to another member because this one left, crashed or disconnected
 *                      while it had them
 * @param left          true when the member is no longer in the cluster (it may still show counts from before)
 */
public record ClusterMemberStats(UUID uuid, String address, long running, long completed, long resubmissions,
                                 boolean left) {

    /**
     * Checks the components.
     *
     * @param uuid          see the record component of that name
     * @param address       see the record component of that name
     * @param running       see the record component of that name
     * @param completed     see the record component of that name
     * @param resubmissions see the record component of that name
     * @param left          see the record component of that name
     * @throws NullPointerException     if {@code uuid} or {@code address} is null
     * @throws IllegalArgumentException if a count is negative
     */
    public ClusterMemberStats {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(address, "address");
        if (running < 0) {
            throw new IllegalArgumentException("running must not be negative: " + running);
        }
        if (completed < 0) {
            throw new IllegalArgumentException("completed must not be negative: " + completed);
        }
        if (resubmissions < 0) {
            throw new IllegalArgumentException("resubmissions must not be negative: " + resubmissions);
        }
    }
}
