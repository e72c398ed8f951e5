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
 * tasks ran, as the members measured them ({@link TaskTimes}), so that every member thread has its next task waiting
 * on the member when it finishes one, and not many more:
 * <ul>
 *   <li>unknown or long tasks (from {@link #SHORT_TASK_NANOS} on, which outlasts a round trip; twice that for tasks
 *   that were short, see {@link TaskTimes}): each task alone, at
 *   most {@link #DEPTH} per member thread on the member at once (one running, one next in line); the others wait here,
 *   in the member's lane, and leave one by one as answers come back;</li>
 *   <li>short tasks: in batches of about {@link #BATCH_NANOS} of work, run one task after the other on one member
 *   thread, at most {@link #DEPTH} batches per member thread in flight; a batch leaves once that many tasks wait
 *   (at most half of the member's tasks, so that two batches share them), or at once when nothing is in flight. The
 *   tasks then travel in a few batches per member thread, which is what makes small tasks fast (a round trip costs
 *   far more than a short task, in time and in processor). The answers of a batch come back together: a long task
 *   among short ones delays those of its batch (a per-task timeout bounds that).</li>
 * </ul>
 * A run at the cluster's defaults has more tasks in flight than the members have threads ({@link #defaultInFlight}):
 * the surplus waits in the lanes, cheap to cancel, and moves to a member that joins ({@link #rebalance()}) or that has
 * a free thread while another member's are all taken ({@link #takeOver}); a task that waits in the lane of a member
 * that leaves goes to another one. None of these counts as a resubmission (the task never left).
 *
 * <p>Threads: tasks are queued on the run's loops (which start the tasks), and batches sent there and on the
 * cluster view's sender thread (flat combining: whoever finds the lane's flag free sends for everyone). The
 * completion of a batch runs on Hazelcast's thread, which cannot make remote calls: it counts the batch answered,
 * completes the tasks' futures, and, when tasks wait in the lane, has the sender send them. Whoever clears the flag
 * looks again, so no task is left waiting while it may leave.
 */
final class Lanes {

    static final int MAX_BATCH = 256;
    /**
     * Tasks shorter than this on average, as their member measured them, are short (see the class comment): a
     * millisecond, more than a round trip between submitter and member on loopback or a LAN (0.2 to 0.5 ms with
     * Hazelcast's own costs), so that a member thread's next task, sent when its last answer came, arrives in time.
     */
    static final long SHORT_TASK_NANOS = 1_000_000;
    /**
     * About the work a batch of short tasks carries: 8 ms, so that a round trip, and above all the processor time it
     * takes on both sides, costs little beside it, while the batches still spread over the member's threads (measured
     * with tasks of 100 us on a loaded 2-core machine: 2 ms batches ran at 0.27-0.37x of a local pool, 8 ms ones at
     * 0.41-0.46x, 16 ms ones at 0.50x once).
     */
    static final long BATCH_NANOS = 8_000_000;
    /** Tasks (or batches of short tasks) per member thread on the member: one running while the next waits there. */
    static final int DEPTH = 2;
    /** Tasks in flight per member thread of a run at the defaults, for short tasks or until their time is known. */
    static final int DEFAULT_DEPTH = 32;
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

    /**
     * The tasks in flight of a run at the defaults, on members with {@code clusterThreads} threads in all: for tasks
     * known to be long, one more per member thread than the members hold ({@link #DEPTH}), so that members that join
     * are kept as busy; for short tasks, and while their time is unknown, {@link #DEFAULT_DEPTH} per member thread,
     * which lets short ones travel in large batches (those beyond what the members hold wait in the lanes).
     */
    static int defaultInFlight(int clusterThreads, TaskTimes times) {
        long perThread = times.isLong() ? DEPTH + 1 : DEFAULT_DEPTH;
        return (int) Math.min(io.github.parallelized.Parallelized.MAX_VIRTUAL_THREADS, perThread * clusterThreads);
    }

    /** A lane whose member left, or whose tasks move to another member: the task was never sent there. */
    static final class NotSent extends TargetNotMemberException {
        private static final long serialVersionUID = 1L;
        /** True when the member left (it is then avoided), false when the task only moves. */
        final boolean memberGone;

        NotSent(String message, boolean memberGone) {
            super(message);
            this.memberGone = memberGone;
        }
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
        final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger waitingCount = new AtomicInteger();
        /** Batches sent and not answered yet (a task sent alone is a batch of one). */
        final AtomicInteger busy = new AtomicInteger();
        final AtomicBoolean sending = new AtomicBoolean();
        /** The times of the function whose task came last: they decide how the tasks waiting here travel. */
        volatile TaskTimes recent;
        volatile boolean gone;

        Lane(Member member, MemberLoads.Load load) {
            this.member = member;
            this.load = load;
        }

        /** The member's executor threads (Hazelcast's default until the member has told its own). */
        int threads() {
            return Math.max(1, load.poolSize);
        }

        /** The mean task time of the function whose task came last if its tasks are short, else negative. */
        long taskNanos() {
            TaskTimes times = recent;
            return times == null ? -1 : times.shortNanos();
        }

        /**
         * The size of the next batch, or 0 when none may leave now, {@code busy} batches being in flight: below
         * {@link #DEPTH} per member thread; long or unknown tasks one by one; short ones as soon as enough wait for
         * about {@link #BATCH_NANOS} of work (at most half of the member's tasks, so that two batches share them), or
         * whatever waits when nothing is in flight; otherwise the first task woken by an answer would leave alone, and
         * the batches would shrink to one task each (those that wait leave when a batch in flight is answered).
         */
        int nextBatch(int busy, long taskNanos) {
            int waits = waitingCount.get();
            if (waits <= 0 || busy >= DEPTH * threads()) {
                return 0;
            }
            if (taskNanos < 0) {
                return 1;
            }
            int enough = (int) Math.max(1, Math.min(Math.min(MAX_BATCH, BATCH_NANOS / taskNanos),
                    load.inFlight.get() / 2));
            return busy == 0 || waits >= enough ? enough : 0;
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
        /**
         * Short from a mean below {@link #SHORT_TASK_NANOS} until one of twice that: on a busy member the mean of
         * tasks of a few hundred microseconds wanders about the threshold (measured: 0.26 to 1.14 ms for tasks that
         * park 100 us, at a load average of 20), and its tasks would switch between batches and alone.
         */
        private volatile boolean isShort;

        boolean isShort() {
            return isShort;
        }

        /** Measured, and not short. */
        boolean isLong() {
            return nanos >= 0 && !isShort;
        }

        /** The mean if the tasks are short (at least 1), else -1. */
        long shortNanos() {
            return isShort ? Math.max(1, nanos) : -1;
        }

        void measured(long runNanos, int tasks) {
            // capped, so that one task descheduled for a while on a busy member does not make a short function long
            // for many batches (a capped long one is still far above the threshold)
            long mean = Math.min(runNanos / Math.max(1, tasks), SAMPLE_CAP_NANOS);
            long before = nanos;
            long now = before < 0 ? mean : before - before / 4 + mean / 4;
            nanos = now;
            if (now < SHORT_TASK_NANOS) {
                isShort = true;
            } else if (now >= 2 * SHORT_TASK_NANOS) {
                isShort = false;
            }
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
            failWaiting(lane, null, true);
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

    /** Tasks waiting in the lanes to be sent, for tests. */
    int waiting() {
        return lanes.values().stream().mapToInt(lane -> lane.waitingCount.get()).sum();
    }

    /** The member left: what waits for it goes to the other members (not a resubmission: it never left). */
    void forget(UUID member) {
        Lane lane = lanes.remove(member);
        if (lane != null) {
            lane.gone = true;
            failWaiting(lane, null, true);
        }
    }

    /**
     * A member joined: the tasks waiting in the lanes go again to the least loaded members, so that the new one takes
     * its share of them at once rather than only of the tasks started from now on.
     */
    void rebalance() {
        for (Lane lane : lanes.values()) {
            failWaiting(lane, null, false);
        }
    }

    /**
     * Ends what waits in the lane: {@link NotSent} (sent elsewhere then, the lane's member avoided when
     * {@code memberGone}), or else, with {@code why}, a failure.
     */
    private static void failWaiting(Lane lane, String why, boolean memberGone) {
        Pending pending;
        while ((pending = lane.waiting.poll()) != null) {
            lane.waitingCount.decrementAndGet();
            pending.answer.completeExceptionally(why != null ? new IllegalStateException(why)
                    : new NotSent(memberGone ? "Member " + lane.member.getAddress()
                    + " left the cluster before the task was sent" : "Moved to a member that joined", memberGone));
        }
    }

    private void flush(Lane lane) {
        while (lane.nextBatch(lane.busy.get(), lane.taskNanos()) > 0 && lane.sending.compareAndSet(false, true)) {
            try {
                int size;
                while ((size = lane.nextBatch(lane.busy.get(), lane.taskNanos())) > 0) {
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
            if (error != null && cluster.isMemberLoss(error)) {
                // the member is going: what waits for it goes elsewhere now, rather than after a failed send each
                failWaiting(lane, null, true);
            }
            if (lane.waitingCount.get() > 0) {
                if (!cluster.onSender(() -> flush(lane))) {
                    failWaiting(lane, "the ParallelizedCluster was closed before the task was sent", false);
                }
            } else if (!lane.gone) {
                takeOver(lane);
            }
        }
    }

    /**
     * A member has a free thread and nothing waits for it: tasks waiting for a member whose threads are all taken
     * (a slower member, one frozen until Hazelcast drops it, the end of a run) move, up to the free places and half of
     * that lane, to the least loaded members. Only lanes that are full: short tasks that wait to fill a batch stay.
     */
    private void takeOver(Lane idle) {
        int free = DEPTH * idle.threads() - idle.busy.get();
        if (free <= 0) {
            return;
        }
        Lane from = null;
        int most = 0;
        for (Lane lane : lanes.values()) {
            int waits = lane.waitingCount.get();
            if (lane != idle && waits > most && lane.busy.get() >= DEPTH * lane.threads()) {
                from = lane;
                most = waits;
            }
        }
        for (int i = Math.min(free, (most + 1) / 2); i > 0 && from != null; i--) {
            Pending pending = from.waiting.poll();
            if (pending == null) {
                return;
            }
            from.waitingCount.decrementAndGet();
            pending.answer.completeExceptionally(new NotSent("Moved to a member with a free thread", false));
        }
    }

    private static void complete(List<Pending> batch, Object result, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            batch.forEach(p -> p.answer.completeExceptionally(cause));
        } else {
            TaskBatch.Results results = (TaskBatch.Results) result;
            if (results.results.get(0).kind != TaskResult.NOT_HERE) { // a member without the function measures nothing
                batch.get(0).times.measured(results.runNanos, batch.size());
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer.complete(results.results.get(i));
            }
        }
    }
}
