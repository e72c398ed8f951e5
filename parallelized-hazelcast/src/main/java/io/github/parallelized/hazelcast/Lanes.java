package io.github.parallelized.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.cluster.Member;
import com.hazelcast.spi.exception.TargetNotMemberException;

/**
 * Sends tasks to a member ({@link TaskBatch}, each a Hazelcast round trip), depending on how long the function's
 * tasks ran, as the members measured them ({@link TaskTimes}):
 * <ul>
 *   <li>unknown or long tasks (from {@link #SHORT_TASK_NANOS} on): each task at once, alone, so that it runs as soon
 *   as a member thread is free and its answer comes back as soon as it ends (a round trip costs little beside such a
 *   task; with more tasks in flight than member threads, the next ones wait in the member's queue, which hides the
 *   round trip);</li>
 *   <li>short tasks: at most {@link #SHORT_TASK_BATCHES} batches in flight per member, run one task after the other
 *   on one member thread; the tasks that find the limit reached wait here and leave together in the next batch. The
 *   tasks in flight then travel in a few large batches, which is what makes small tasks fast (a round trip costs far
 *   more than a short task). The answers of a batch come back together: a long task among short ones delays those
 *   of its batch (a per-task timeout bounds that).</li>
 * </ul>
 *
 * <p>Threads: tasks are queued on the run's loops (which start the tasks), and batches sent there and on the
 * cluster view's sender thread (flat combining: whoever finds the lane's flag free sends for everyone). The
 * completion of a batch runs on Hazelcast's thread, which cannot make remote calls: it counts the batch answered,
 * completes the tasks' futures, and, when tasks wait in the lane, has the sender send them. Whoever clears the flag
 * looks again, so no task is left waiting while it may leave.
 */
final class Lanes {

    static final int MAX_BATCH = 256;
    /** Tasks shorter than this on average, as their member measured them, are short (see the class comment). */
    static final long SHORT_TASK_NANOS = 200_000;
    /** Batches in flight per member for short tasks: one on the way while the other is answered. */
    static final int SHORT_TASK_BATCHES = 2;
    /** The most one batch's mean adds to a function's {@link TaskTimes}. */
    static final long SAMPLE_CAP_NANOS = 5_000_000;

    private final ParallelizedCluster cluster;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, TaskTimes> times = new ConcurrentHashMap<>();
    /** Tasks that travelled in a batch of several, for tests and curiosity. */
    private final java.util.concurrent.atomic.LongAdder batched = new java.util.concurrent.atomic.LongAdder();

    Lanes(ParallelizedCluster cluster) {
        this.cluster = cluster;
    }

    /** One task on its way and its answer. */
    static final class Pending {
        final TaskEnvelope task;
        final Lane lane;
        /** How long tasks of this function run, which decides how this task travels. */
        final TaskTimes times;
        final CompletableFuture<TaskResult> answer = new CompletableFuture<>();

        Pending(TaskEnvelope task, Lane lane, TaskTimes times) {
            this.task = task;
            this.lane = lane;
            this.times = times;
        }

        /** The member it is (or was to be) sent to. */
        Member member() {
            return lane.member;
        }
    }

    private static final class Lane {
        final Member member;
        /** This submitter's tasks for the member, waiting here or in flight. */
        final MemberLoads.Load load;
        final int threads;
        final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger waitingCount = new AtomicInteger();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicBoolean sending = new AtomicBoolean();
        /** The times of the function whose task came last: they decide how the tasks waiting here travel. */
        volatile TaskTimes recent;
        volatile boolean gone;

        Lane(Member member, MemberLoads.Load load) {
            this.member = member;
            this.load = load;
            this.threads = Math.max(1, load.poolSize);
        }

        boolean shortTasks() {
            TaskTimes times = recent;
            return times != null && times.isShort();
        }

        /**
         * Whether a batch may leave now, {@code busy} batches being in flight: always for long tasks; for short ones
         * below the limit, and only when none is in flight or about half of the member's tasks wait here (otherwise
         * the first task woken by an answer would leave alone, and the batches would shrink to one task each; those
         * that wait leave when the batch in flight is answered).
         */
        boolean canSend(int busy, boolean shortTasks) {
            if (!shortTasks) {
                return true;
            }
            return busy < Math.min(SHORT_TASK_BATCHES, threads)
                    && (busy == 0 || waitingCount.get() >= Math.max(1, load.inFlight.get() / SHORT_TASK_BATCHES));
        }
    }

    /**
     * How long one function's tasks run on the members, as they measure them: a moving average, per function name
     * (not per member or run), so that a run of another function, or the next run of this one, travels as it should
     * from its first task. Racy on purpose: a lost update costs nothing.
     */
    static final class TaskTimes {
        /** The mean time of the last tasks; negative until the first answer. */
        private volatile long nanos = -1;

        boolean isShort() {
            long mean = nanos;
            return mean >= 0 && mean < SHORT_TASK_NANOS;
        }

        void measured(long runNanos, int tasks) {
            // capped, so that one task descheduled for a while on a busy member does not make a short function long
            // for many batches (a capped long one is still far above the threshold)
            long mean = Math.min(runNanos / Math.max(1, tasks), SAMPLE_CAP_NANOS);
            long before = nanos;
            nanos = before < 0 ? mean : before - before / 4 + mean / 4;
        }
    }

    /** The times of a function, for a run to keep (one look-up per run, not per task). */
    TaskTimes times(String function) {
        return times.computeIfAbsent(function, f -> new TaskTimes());
    }

    Pending send(Member member, TaskEnvelope task, TaskTimes taskTimes) {
        Lane lane = lanes.computeIfAbsent(member.getUuid(),
                uuid -> new Lane(member, cluster.loads().load(member)));
        Pending pending = new Pending(task, lane, taskTimes);
        lane.recent = taskTimes;
        lane.waiting.add(pending);
        lane.waitingCount.incrementAndGet();
        if (lane.gone) {
            failWaiting(lane, null);
        }
        flush(lane);
        return pending;
    }

    /**
     * Takes back a task that still waits here to be sent (the run cancelled it: the run stopped, or
     * the task timed out), so that it is never sent: true when it was taken back, false when it had left.
     */
    boolean withdraw(Pending pending) {
        if (pending.lane.waiting.remove(pending)) {
            pending.lane.waitingCount.decrementAndGet();
            return true;
        }
        return false;
    }

    long batched() {
        return batched.sum();
    }

    /** The member left: what waits for it fails as a member loss, so that its tasks are sent elsewhere. */
    void forget(UUID member) {
        Lane lane = lanes.remove(member);
        if (lane != null) {
            lane.gone = true;
            failWaiting(lane, null);
        }
    }

    /** Fails what waits in the lane: as a member loss (sent elsewhere then), or else with {@code why}. */
    private static void failWaiting(Lane lane, String why) {
        Pending pending;
        while ((pending = lane.waiting.poll()) != null) {
            lane.waitingCount.decrementAndGet();
            pending.answer.completeExceptionally(why == null ? new TargetNotMemberException("Member "
                    + lane.member.getAddress() + " left the cluster before the task was sent")
                    : new IllegalStateException(why));
        }
    }

    private void flush(Lane lane) {
        while (lane.waitingCount.get() > 0 && lane.canSend(lane.busy.get(), lane.shortTasks())
                && lane.sending.compareAndSet(false, true)) {
            try {
                int busy;
                boolean shortTasks;
                while (lane.waitingCount.get() > 0
                        && lane.canSend(busy = lane.busy.get(), shortTasks = lane.shortTasks())) {
                    int free = Math.max(1, Math.min(SHORT_TASK_BATCHES, lane.threads) - busy);
                    int size = shortTasks ? Math.min(MAX_BATCH, (lane.waitingCount.get() + free - 1) / free) : 1;
                    List<Pending> batch = new ArrayList<>(size);
                    Pending next;
                    while (batch.size() < size && (next = lane.waiting.poll()) != null) {
                        lane.waitingCount.decrementAndGet();
                        batch.add(next);
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    lane.busy.incrementAndGet();
                    submit(lane, batch);
                }
            } finally {
                lane.sending.set(false);
            }
        }
    }

    private void submit(Lane lane, List<Pending> batch) {
        Future<?> future;
        try {
            if (batch.size() > 1) {
                batched.add(batch.size());
            }
            List<TaskEnvelope> tasks = new ArrayList<>(batch.size());
            batch.forEach(p -> tasks.add(p.task));
            future = cluster.taskExecutor().submitToMember(new TaskBatch(tasks), lane.member);
        } catch (RuntimeException e) {
            answered(lane, batch, null, e);
            return;
        }
        if (future instanceof CompletionStage<?> stage) {
            // runs on the thread that completes Hazelcast's future, which cannot make remote calls (see answered)
            stage.whenCompleteAsync((result, error) -> answered(lane, batch, result, error), Runnable::run);
        } else {
            try {
                answered(lane, batch, future.get(), null);
            } catch (Exception e) {
                answered(lane, batch, null, e);
            }
        }
    }

    private void answered(Lane lane, List<Pending> batch, Object result, Throwable error) {
        lane.busy.decrementAndGet();
        try {
            complete(batch, result, error);
        } finally {
            if (lane.waitingCount.get() > 0 && !cluster.onSender(() -> flush(lane))) {
                failWaiting(lane, "the ParallelizedCluster was closed before the task was sent");
            }
        }
    }

    private static void complete(List<Pending> batch, Object result, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            batch.forEach(p -> p.answer.completeExceptionally(cause));
        } else {
            TaskBatch.Results results = (TaskBatch.Results) result;
            batch.get(0).times.measured(results.runNanos, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer.complete(results.results.get(i));
            }
        }
    }
}
