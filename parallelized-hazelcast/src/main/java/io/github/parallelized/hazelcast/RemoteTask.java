package io.github.parallelized.hazelcast;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
        Set<UUID> refused = Set.of();
        for (int resubmissions = 0; ; resubmissions++) {
            Member member = cluster.loads().acquire(lost.isEmpty() ? refused : with(refused, lost));
            if (member == null) {
                throw new ClusterTaskException("The cluster has no data member to run cluster task '" + run.function
                        + "' on", null);
            }
            Throwable loss;
            Future<TaskResult> future = null;
            try {
                run.submitted();
                future = cluster.taskExecutor().submitToMember(task, member);
                TaskResult result = awaitAnswer(future);
                if (result.kind == TaskResult.NOT_HERE && !cluster.loads().allExcluded(with(refused, member))) {
                    // a member that has not registered the function (yet: it may just have joined); try another
                    refused = with(refused, member);
                    resubmissions--;
                    continue;
                }
                run.completedOn(member);
                return (R) result.unwrap(cluster.serialization(), run.function);
            } catch (InterruptedException e) {
                run.interrupted(future);
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
            run.resubmitted(member, loss);
        }
    }

    /**
     * Waits for the member's answer, interruptibly: Hazelcast's own {@code get()} ignores interrupts (it waits
     * for the answer and restores the flag), which would make a cancel wait for the running tasks. The answer is
     * handed over by a callback that runs on the thread completing Hazelcast's future (never the common pool)
     * and only completes a future of ours: no Hazelcast call happens there.
     */
    private static TaskResult awaitAnswer(Future<TaskResult> future) throws InterruptedException, ExecutionException {
        if (!(future instanceof CompletionStage<?> stage)) {
            return future.get();
        }
        CompletableFuture<TaskResult> answer = new CompletableFuture<>();
        stage.whenCompleteAsync((result, error) -> {
            if (error != null) {
                answer.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else {
                answer.complete((TaskResult) result);
            }
        }, Runnable::run);
        return answer.get();
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
