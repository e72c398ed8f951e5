package io.github.parallelized.hazelcast;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import com.hazelcast.cluster.Member;

import io.github.parallelized.AsyncTaskFunction;
import io.github.parallelized.Errors;
import io.github.parallelized.Parallelized;

/**
 * The asynchronous function the core run applies to each input: serialize it once, send it to the least loaded
 * member ({@link Lanes}: alone, or in a batch), and complete the task's stage with the member's answer, on one of
 * the view's answer threads; no submitter thread waits for a task. A task whose member is lost goes to another
 * one, from the cluster view's sender thread (a loss can be heard on a Hazelcast thread, which cannot make remote
 * calls). When the
 * run cancels the stage (a stop, a per-task timeout), a task still waiting in its lane is taken back, and one
 * already sent is cancelled on its member ({@link ClusterRun#cancelled}).
 */
final class RemoteTask<I, R> implements AsyncTaskFunction<I, R> {
    private static final System.Logger LOG = System.getLogger(RemoteTask.class.getName());

    private final ParallelizedCluster cluster;
    private final ClusterRun run;

    RemoteTask(ParallelizedCluster cluster, ClusterRun run) {
        this.cluster = cluster;
        this.run = run;
    }

    @Override
    public CompletionStage<R> apply(I input) {
        ClusterTaskException stopped = cluster.notRunning(run.function);
        if (stopped != null) {
            return CompletableFuture.failedFuture(stopped);
        }
        TaskEnvelope task = new TaskEnvelope(run.id, run.nextTaskId(), cluster.localUuid(), run.function, run.version,
                serialize(input));
        Sending sending = new Sending(task, Parallelized.resubmissionCounter());
        sending.send();
        return sending.result;
    }

    /**
     * One task on its way until its result: sent, and sent again after a member loss. Its sends follow one another
     * (each after the answer of the last), so the sets below need no lock.
     */
    private final class Sending implements Lanes.Answer {
        final TaskEnvelope task;
        final Runnable countResubmission;
        /** The task's stage: the run cancels it (a stop, a per-task timeout) through {@code cancel}. */
        final CompletableFuture<R> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean cancelled = super.cancel(mayInterruptIfRunning);
                if (cancelled) {
                    cancelled();
                }
                return cancelled;
            }
        };
        /** The send in flight, or null: taken by whoever ends it (its answer, or a cancel). */
        final AtomicReference<Lanes.Pending> current = new AtomicReference<>();
        Set<UUID> lost = Set.of();
        /** Members that answered that they do not know the function (yet: one may just have joined). */
        Set<UUID> refused = Set.of();
        int resubmissions;
        /** The next send is a move of a task that never left the submitter: not one more submission. */
        boolean moved;
        /** {@link #moved} of the send waiting in the shared queue, read when it leaves (after the queue's hand-off). */
        boolean leavingMoved;

        Sending(TaskEnvelope task, Runnable countResubmission) {
            this.task = task;
            this.countResubmission = countResubmission;
        }

        /**
         * Sends the task, or ends it: whatever goes wrong on the way (a Hazelcast call on an instance that stopped
         * throws) becomes the task's failure, so that its stage always completes and the run never waits for it.
         */
        void send() {
            try {
                trySend();
            } catch (Throwable e) {
                failAnyway(e);
            }
        }

        private void trySend() {
            if (result.isDone()) {
                return; // cancelled before a resubmission left
            }
            Set<UUID> excluded = lost.isEmpty() ? refused : with(refused, lost);
            Member member = null;
            Lanes.Pending pending;
            if (excluded.isEmpty()) {
                // the usual case: it waits for whichever member has room first (leaving says which)
                if (!cluster.loads().hasDataMember()) {
                    noDataMember();
                    return;
                }
                leavingMoved = moved;
                pending = cluster.lanes().pooled(task, run.times, run.left, this);
            } else {
                member = cluster.loads().acquire(excluded);
                if (member == null) {
                    noDataMember();
                    return;
                }
                if (moved) {
                    run.movedTo(member); // a task that never left the submitter: not one more submission
                } else {
                    run.submitted(member);
                }
                pending = cluster.lanes().pending(member, task, run.times, run.left, this);
            }
            moved = false;
            // in flight before it is queued: its answer may come on another thread before send returns
            current.set(pending);
            try {
                cluster.lanes().send(pending);
            } catch (RuntimeException e) {
                if (current.compareAndSet(pending, null)) {
                    Member to = pending.member();
                    if (to != null) {
                        cluster.loads().release(pending.lane.load);
                        run.released(to);
                        failedOn(to, e, false);
                    } else {
                        ClusterTaskException stopped = cluster.notRunning(run.function);
                        result.completeExceptionally(stopped != null ? stopped : e);
                    }
                }
                return;
            }
            if (result.isCancelled()) {
                cancelled(); // the cancel came while this send was on its way to the lane
            }
        }

        private void noDataMember() {
            ClusterTaskException stopped = cluster.notRunning(run.function);
            result.completeExceptionally(stopped != null ? stopped : new ClusterTaskException("The cluster has no data"
                    + " member to run cluster task '" + run.function + "' on", null));
        }

        /** A task of the shared queue leaves for its member: it counts there from now on. */
        @Override
        public void leaving(Lanes.Pending pending) {
            Member member = pending.member();
            if (leavingMoved) {
                run.movedTo(member); // a task that never left the submitter: not one more submission
            } else {
                run.submitted(member);
            }
        }

        /**
         * The answer to {@code pending}, once, on the thread that has it (one of the view's answer threads, or the one
         * that moves it, maybe a Hazelcast one): no remote call from here.
         */
        @Override
        public void answered(Lanes.Pending pending, TaskResult answer, Throwable error) {
            try {
                answer(pending, answer, error);
            } catch (Throwable e) {
                // never leave the stage waiting: a task whose answer cannot be handled fails with why
                failAnyway(e);
            }
        }

        /** What threw while the task was sent or answered: its failure, or, if it had ended already, a warning. */
        private void failAnyway(Throwable e) {
            if (!result.completeExceptionally(e)) {
                LOG.log(System.Logger.Level.WARNING, "cluster task '" + run.function + "' had ended when handling it"
                        + " threw (its member's count of tasks may be off by one)", e);
            }
        }

        private void answer(Lanes.Pending pending, TaskResult answer, Throwable error) {
            Member member = pending.member();
            if (member != null) { // null: it never left the shared queue, so it never counted on a member
                cluster.loads().release(pending.lane.load);
                run.released(member);
            }
            if (!current.compareAndSet(pending, null) || result.isDone()) {
                return; // cancelled meanwhile: the run no longer waits for it
            }
            if (error instanceof Lanes.NotSent notSent) {
                // it waited in the lane of a member that left, or moves to one that joined: not a resubmission
                if (notSent.memberGone && member != null) {
                    lost = with(lost, member);
                }
                moved = true;
                sendAgain();
                return;
            }
            if (error != null) {
                failedOn(member, error, true);
                return;
            }
            if (answer.kind == TaskResult.NOT_HERE && !cluster.loads().allExcluded(with(refused, member))) {
                refused = with(refused, member);
                sendAgain();
                return;
            }
            run.completedOn(member);
            try {
                @SuppressWarnings("unchecked")
                R value = (R) answer.unwrap(cluster.serialization(), run.function);
                result.complete(value);
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }

        /** The send to {@code member} failed: sent again elsewhere after a member loss, else the task fails. */
        private void failedOn(Member member, Throwable failure, boolean answeredByHazelcast) {
            Throwable loss = (failure instanceof ExecutionException || failure instanceof CompletionException)
                    && failure.getCause() != null ? failure.getCause() : failure;
            if (member == null) {
                // it never left the submitter's shared queue (this view was closed meanwhile): no member to blame
                ClusterTaskException stopped = cluster.notRunning(run.function);
                result.completeExceptionally(stopped != null ? stopped : new ClusterTaskException("Cluster task '"
                        + run.function + "' was not sent: " + loss.getMessage(), loss));
                return;
            }
            if (!cluster.isMemberLoss(loss)) {
                // sent, and answered by Hazelcast with a failure: the task may have run on the member
                ClusterTaskException stopped = cluster.notRunning(run.function, answeredByHazelcast ? member : null);
                if (stopped != null) {
                    // this submitter's instance went down: not the member's fault, whatever Hazelcast said
                    result.completeExceptionally(stopped);
                    return;
                }
                result.completeExceptionally(answeredByHazelcast ? new ClusterTaskException("Hazelcast could not"
                        + " run cluster task '" + run.function + "' on member " + member.getAddress() + ": " + loss,
                        loss) : loss);
                return;
            }
            if (resubmissions == ParallelizedCluster.MAX_RESUBMISSIONS) {
                result.completeExceptionally(new ClusterTaskException("Cluster task '" + run.function
                        + "' lost its member " + (resubmissions + 1) + " times (the last: " + member.getAddress()
                        + "); given up, as a task that kills its member would kill them all", loss));
                return;
            }
            lost = with(lost, member);
            resubmissions++;
            countResubmission.run(); // the outcome's attempts and the summary
            run.resubmitted(member, loss);
            sendAgain();
        }

        private void sendAgain() {
            if (!cluster.onSender(this::send)) {
                ClusterTaskException stopped = cluster.notRunning(run.function);
                result.completeExceptionally(stopped != null ? stopped : new ClusterTaskException("The"
                        + " ParallelizedCluster was closed while cluster task '" + run.function + "' was to be sent"
                        + " again", null));
            }
        }

        /** The run cancelled the task: taken back if it still waits in its lane, else cancelled on its member. */
        private void cancelled() {
            Lanes.Pending pending = current.getAndSet(null);
            if (pending == null) {
                return; // not sent, or already answered
            }
            if (cluster.lanes().withdraw(pending)) {
                if (!pending.pooled) { // a task of the shared queue counts on no member until it leaves
                    cluster.loads().release(pending.lane.load);
                    run.released(pending.member());
                }
                run.cancelled(null, task.task);
            } else {
                run.cancelled(pending.member(), task.task);
            }
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
        } catch (Throwable e) {
            ClusterTaskException stopped = cluster.notRunning(run.function);
            if (stopped != null) {
                throw stopped; // not the input's fault
            }
            // an Error too (a writeObject that throws one, a structure too deep to write): that input's failure
            throw new ClusterTaskException("The input of cluster task '" + run.function + "' ("
                    + input.getClass().getName() + ") cannot be serialized by Hazelcast: make it Serializable, Compact"
                    + " or give it a serializer (" + Errors.describe(e, false) + ")", e);
        }
    }
}
