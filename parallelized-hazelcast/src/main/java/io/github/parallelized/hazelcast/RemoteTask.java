package io.github.parallelized.hazelcast;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import com.hazelcast.cluster.Member;

import io.github.parallelized.TaskFunction;

/**
 * The function the core run applies to each input: serialize it once, send it to the least loaded member,
 * wait for the answer on the core's worker thread (so no Hazelcast callback, and no common-pool thread, is
 * involved), and send it again to another member when its member is lost. Resubmission happens here, on the
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
        TaskEnvelope task = new TaskEnvelope(run.id, cluster.localUuid(), run.function, run.version, serialize(input));
        Set<UUID> lost = Set.of();
        for (int resubmissions = 0; ; resubmissions++) {
            Member member = cluster.loads().acquire(lost);
            if (member == null) {
                throw new ClusterTaskException("The cluster has no data member to run cluster task '" + run.function
                        + "' on", null);
            }
            Throwable loss;
            Future<TaskResult> future = null;
            try {
                run.submitted();
                future = cluster.taskExecutor().submitToMember(task, member);
                TaskResult result = future.get();
                run.completedOn(member);
                return (R) result.unwrap(cluster.serialization(), run.function);
            } catch (InterruptedException e) {
                run.interrupted(future);
                throw e;
            } catch (ExecutionException e) {
                loss = e.getCause();
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
            Set<UUID> more = new HashSet<>(lost);
            more.add(member.getUuid());
            lost = more;
            run.resubmitted(member, loss);
        }
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
