package io.github.parallelized.hazelcast;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import com.hazelcast.cluster.Member;

import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskFunction;

/**
 * The function the core run applies to each input: serialize it once, send it to the least loaded member
 * ({@link Lanes}: alone, or in a batch when the member's threads are all busy), wait for the answer on the core's
 * worker thread, interruptibly (Hazelcast's own {@code get()} ignores interrupts, which would make a cancel wait for
 * the running tasks), and send it again to another member when its member is lost. Resubmission happens here, on the
 * worker, never on a Hazelcast thread.
 */
final class RemoteTask<I, R> implements TaskFunction<I, R> {

    private final ParallelizedCluster cluster;
    private final ClusterRun run;

    RemoteTask(ParallelizedCluster cluster, ClusterRun run) {
        this.cluster = cluster;
        this.run = run;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(I input) throws Exception {
        TaskEnvelope task = new TaskEnvelope(run.id, run.nextTaskId(), cluster.localUuid(), run.function, run.version, serialize(input));
        Set<UUID> lost = Set.of();
        Set<UUID> refused = Set.of();
        for (int resubmissions = 0; ; resubmissions++) {
            Member member = cluster.loads().acquire(lost.isEmpty() ? refused : with(refused, lost));
            if (member == null) {
                throw new ClusterTaskException("The cluster has no data member to run cluster task '" + run.function
                        + "' on", null);
            }
            Throwable loss;
            Lanes.Pending pending = null;
            try {
                run.submitted();
                pending = cluster.lanes().send(member, task, run.times);
                TaskResult result;
                try {
                    result = pending.answer.get();
                } finally {
                    // whatever became of this task, its lane may have tasks waiting for a free thread: send them
                    cluster.lanes().flush(pending);
                }
                if (result.kind == TaskResult.NOT_HERE && !cluster.loads().allExcluded(with(refused, member))) {
                    // a member that has not registered the function (yet: it may just have joined); try another
                    refused = with(refused, member);
                    resubmissions--;
                    continue;
                }
                run.completedOn(member);
                return (R) result.unwrap(cluster.serialization(), run.function);
            } catch (InterruptedException e) {
                boolean sent = pending != null && !cluster.lanes().withdraw(pending);
                run.interrupted(sent ? member : null, task.task);
                throw e;
            } catch (ExecutionException e) {
                loss = e.getCause() != null ? e.getCause() : e;
                if (!cluster.isMemberLoss(loss)) {
                    throw new ClusterTaskException("Hazelcast could not run cluster task '" + run.function + "' on member "
                            + member.getAddress() + ": " + loss, loss);
                }
            } catch (RuntimeException e) {
                if (!cluster.isMemberLoss(e)) {
                    throw e;
                }
                loss = e;
            } finally {
                cluster.loads().release(member);
            }
            if (resubmissions == ParallelizedCluster.MAX_RESUBMISSIONS) {
                throw new ClusterTaskException("Cluster task '" + run.function + "' lost its member "
                        + (resubmissions + 1) + " times (the last: " + member.getAddress() + "); given up, as a task"
                        + " that kills its member would kill them all", loss);
            }
            lost = with(lost, member);
            Parallelized.countResubmission(); // on the core's worker thread: the outcome's attempts and the summary
            run.resubmitted(member, loss);
        }
    }

    private static Set<UUID> with(Set<UUID> members, Member member) {
        Set<UUID> more = new HashSet<>(members);
        more.add(member.getUuid());
        return more;
    }

    private static Set<UUID> with(Set<UUID> some, Set<UUID> others) {
        Set<UUID> all = new HashSet<>(some);
        all.addAll(others);
        return all;
    }

    private byte[] serialize(I input) {
        try {
            return TaskResult.bytes(cluster.serialization(), input);
        } catch (RuntimeException e) {
            throw new ClusterTaskException("The input of cluster task '" + run.function + "' ("
                    + input.getClass().getName() + ") cannot be serialized by Hazelcast: make it Serializable, Compact"
                    + " or give it a serializer (" + e.getMessage() + ")", e);
        }
    }
}
