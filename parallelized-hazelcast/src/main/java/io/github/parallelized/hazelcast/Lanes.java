package io.github.parallelized.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.hazelcast.cluster.Member;
import com.hazelcast.spi.exception.TargetNotMemberException;

/**
 * Sends tasks to the members ({@link TaskBatch}, each a Hazelcast round trip), depending on how long the function's
 * tasks ran, as the members measured them ({@link TaskTimes}), so that every member thread has its next task waiting
 * on the member when it finishes one, and not many more. A task waits on the submitter in one <b>shared queue</b>
 * until a member has room for it: the next batch goes to the member with the fewest batches in flight for its
 * threads, so a member that runs faster (its own cores, fewer other processes) takes more, and every member gets
 * work until the run's last tasks (a task bound to its member when it was made left a slow member with a queue of
 * hundreds while the others ran out). Only a task that must avoid some members (it lost one, or one refused it)
 * waits in the lane of the member picked for it.
 * <ul>
 *   <li>tasks of unknown time: each alone, at most {@link #DEPTH} per member thread on the member at once (one
 *   running, one next in line); the others wait here, and leave as answers come back;</li>
 *   <li>the others in batches of about {@link #BATCH_NANOS} of work ({@link #batchSize}: tasks of that time or more
 *   alone, a few microseconds' ones {@link #MAX_BATCH} together; smaller at the end of a run of known size, {@link
 *   Left}), run one task after the other on one member thread,
 *   at most {@link #DEPTH} batches per member thread in flight. A round trip costs far more than a short task, in
 *   time and above all in processor time on both sides, so short tasks are fast only in a few batches per member
 *   thread. A batch is also at most a member thread's share of the tasks in flight over {@link #WINDOW_BATCHES}
 *   batches, so that a small window (a user's {@code numThreads}, or the end of a run) still gives every thread a
 *   batch, and one batch per member thread waits here, ready to leave as soon as an answer frees a place on its
 *   member; at a run's start, before its first answer, that share counts the tasks in flight of the function's last
 *   run ({@link Left#started}), as the window fills. The answers of a batch come back together: a long task among short ones
 *   delays those of its batch (a per-task timeout bounds that).</li>
 * </ul>
 * A run at the cluster's defaults has more tasks in flight than the members have threads ({@link #defaultInFlight}):
 * the surplus waits here, cheap to cancel, and a member that joins takes its share of it at once ({@link
 * #rebalance()}). A task bound to a member that waits for one whose threads are all taken moves to a member that has a
 * free thread ({@link #takeOver}), and one that waits for a member that leaves goes to another one. None of these
 * counts as a resubmission (the task never left).
 *
 * <p>Threads: tasks are queued on the run's loops (which start the tasks), and batches sent there and on the
 * cluster view's sender thread (flat combining: whoever finds the flag free sends for everyone). When the answer of
 * a batch arrives (a task sent alone too), the thread that receives it (Hazelcast's) frees the member's place and,
 * when tasks wait, has the sender send them ({@link #arrived}), so that no answer waiting to be handed out holds a
 * member's place (a slow listener or consumer holds the answer threads); the
 * answer is then handed out on one of the view's answer threads, never on
 * Hazelcast's (a checkpointed run may hold the thread that delivers its outcomes until its store has written, and a
 * store on the cluster's map needs Hazelcast's threads for that): it counts the batch answered, completes the tasks'
 * futures, and has the sender send what waits again. Whoever clears the flag looks again, so no task is left waiting
 * while it may leave.
 */
final class Lanes {

    static final int MAX_BATCH = 256;
    /**
     * Tasks of this time or more go alone: a round trip costs little beside them. Below the most one batch adds to a
     * function's mean ({@link #SAMPLE_CAP_NANOS}), so that a mean that rises towards that cap (a function's tasks
     * becoming long) reaches it.
     */
    static final long ALONE_NANOS = 4_000_000;
    /**
     * About the work a batch of shorter tasks carries: 32 ms, so that the round trips, and above all the processor time
     * each takes on both sides (0.15-0.35 ms of the four JVMs' processor time per round trip, measured on a loaded
     * 2-core machine: as much as 15 to 35 timed parks of 100 us take themselves), cost little beside it. Batches of
     * 8 ms made the 100 us row a quarter slower there, for 25% more processor time. The end of a run of known size
     * keeps short batches ({@link Left}), so that its last batches still end close together.
     */
    static final long BATCH_NANOS = 32_000_000;
    /** The least work of a batch near the end of a run of known size ({@link Left}): 1 ms. */
    static final long MIN_BATCH_NANOS = 1_000_000;
    /** Tasks (or batches) per member thread on the member: one running while the next waits there. */
    static final int DEPTH = 2;
    /**
     * Batches per member thread in flight at the defaults once the task time is known: {@link #DEPTH} on the member,
     * and one more on the submitter, filling while an answer travels.
     */
    static final int WINDOW_BATCHES = DEPTH + 1;
    /**
     * The most tasks in flight per member thread at the defaults: three batches of 128 (a batch is at most a thread's
     * share of the window over {@link #WINDOW_BATCHES} batches), so that short tasks have a batch waiting here for each
     * member thread, which leaves as soon as an answer frees a place on the member (with 256 in flight, both batches
     * were on the member, and the next one waited for the answer to be handed out and for its 128 inputs to be
     * started). For tasks of a few microseconds, three batches of {@link #MAX_BATCH} would hold 768 inputs per member
     * thread on the submitter (tens of megabytes on a large cluster) for no more speed (measured: 100,000 no-op tasks
     * were as fast with 256 per thread as with 768).
     */
    static final int MAX_PER_THREAD = WINDOW_BATCHES * 128;
    /** Tasks in flight per member thread of a run at the defaults while the function's task time is unknown. */
    static final int DEFAULT_DEPTH = 32;
    /** The most one batch's mean adds to a function's {@link TaskTimes}. */
    static final long SAMPLE_CAP_NANOS = 5_000_000;

    private final ParallelizedCluster cluster;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<String, TaskTimes> times = new ConcurrentHashMap<>();
    /** The tasks that may go to any member, waiting for the first with room (see {@link #flush}). */
    private final ConcurrentLinkedQueue<Pending> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger poolCount = new AtomicInteger();
    /** This submitter's tasks queued here or sent and not answered: its window, which bounds the batches. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Someone sends for everyone (flat combining, see {@link #flush}). */
    private final AtomicBoolean sending = new AtomicBoolean();
    /** The times of the function whose task came last to the shared queue. */
    private volatile TaskTimes recent;
    /** What the run whose task came last to the shared queue has left to send. */
    private volatile Left recentLeft;
    /** The lanes of {@link #knownMembers}' data members, for {@link #flush}. */
    private volatile Lane[] current = new Lane[0];
    private volatile Member[] knownMembers;
    /** Tasks that travelled in a batch of several, for tests and curiosity. */
    private final java.util.concurrent.atomic.LongAdder batched = new java.util.concurrent.atomic.LongAdder();

    Lanes(ParallelizedCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * The tasks in flight of a run at the defaults, on members with {@code clusterThreads} threads in all: while the
     * function's task time is unknown, {@link #DEFAULT_DEPTH} per member thread; once it is known, {@link
     * #WINDOW_BATCHES} batches per member thread ({@link #batchSize}: 3 per thread for tasks of 4 ms or more, 30 for
     * tasks of 3 ms), at most {@link #MAX_PER_THREAD} (tasks of a third of a millisecond or less), so that every member thread has a batch running and the next
     * one waiting on the member while a third fills on the submitter. What the members do not hold waits in the
     * lanes.
     */
    static int defaultInFlight(int clusterThreads, TaskTimes times) {
        long nanos = times.nanos();
        long perThread = nanos < 0 ? DEFAULT_DEPTH : Math.min(MAX_PER_THREAD, (long) WINDOW_BATCHES * batchSize(nanos));
        return (int) Math.min(io.github.parallelized.Parallelized.MAX_VIRTUAL_THREADS, perThread * clusterThreads);
    }

    /**
     * Tasks of {@code taskNanos} each for about {@link #BATCH_NANOS} of work: 1 to {@link #MAX_BATCH}; tasks of {@link
     * #ALONE_NANOS} or more alone.
     */
    static int batchSize(long taskNanos) {
        if (taskNanos >= ALONE_NANOS) {
            return 1;
        }
        return (int) Math.max(1, Math.min(MAX_BATCH, BATCH_NANOS / Math.max(1, taskNanos)));
    }

    /**
     * A batch of {@code size} tasks of {@code taskNanos}, at most the share of one member thread of what the run has
     * {@code left} to send (all of them when unknown, negative), and at least {@link #minBatchSize}: smaller batches
     * only near the end of a run (guided self-scheduling, see {@link Left}).
     */
    static int atTheEnd(int size, long left, int clusterThreads, long taskNanos) {
        if (left < 0 || size <= 1) {
            return size;
        }
        long share = (left + clusterThreads - 1) / Math.max(1, clusterThreads);
        return (int) Math.max(1, Math.min(size, Math.max(minBatchSize(taskNanos), share)));
    }

    /** The least batch near the end of a run of known size: about {@link #MIN_BATCH_NANOS} of work. */
    static int minBatchSize(long taskNanos) {
        return (int) Math.max(1, Math.min(MAX_BATCH, MIN_BATCH_NANOS / Math.max(1, taskNanos)));
    }

    /**
     * The inputs of one run not sent in a batch yet (those waiting in the lanes, and those its loops have not started),
     * when the run's size is known: near the end of the run a batch is at most {@code left / clusterThreads} (guided
     * self-scheduling), so that the last batches are short and the member threads end close together, while the rest
     * of the run travels in large batches. Shared by the run's tasks; racy on purpose (a resent task counts twice,
     * which only makes the end's batches a little smaller).
     */
    static final class Left {
        /** Negative while unknown (a source of unknown size). */
        private final AtomicLong left = new AtomicLong(-1);
        /** The times of the run's function, which keep the tasks in flight of its last run ({@link #started}). */
        private final TaskTimes times;
        /** The run's tasks queued on the submitter or sent, not answered. */
        private final AtomicInteger inFlight = new AtomicInteger();
        /** The most tasks in flight the run had so far. */
        private volatile int peak;
        /** Whether an answer came for one of the run's tasks. */
        private volatile boolean answered;

        Left() {
            this(new TaskTimes());
        }

        Left(TaskTimes times) {
            this.times = times;
        }

        /** The run's size, once known (at its start). */
        void total(long total) {
            left.set(total);
        }

        /** The inputs not sent in a batch yet, or negative when the run's size is unknown. */
        long get() {
            return left.get();
        }

        void sent(int tasks) {
            if (left.get() >= 0) {
                left.addAndGet(-tasks);
            }
        }

        /** A task of the run is queued on the submitter. */
        void queued() {
            int now = inFlight.incrementAndGet();
            if (now > peak) {
                peak = now; // racy on purpose: a lost update only makes the figure a little low
            }
        }

        /** {@code tasks} of the run are answered (or taken back, or moved). */
        void ended(int tasks, boolean answer) {
            inFlight.addAndGet(-tasks);
            if (answer) {
                answered = true;
                times.window = peak;
            }
        }

        /**
         * The tasks in flight that the run's start may count on: until its first answer, those of the function's last
         * run (its window fills while its first tasks travel, and batches sized by the few tasks queued so far would
         * be of one task each, each taking a member thread's place for a round trip); 0 after, or for a function not
         * run before. A run whose window is smaller than the last one's sends only half its members' threads' worth of
         * batches until its first answer.
         */
        int started() {
            return answered ? 0 : times.window;
        }
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

    /** Who waits for a task's answer: told once, on the thread that has it, which must make no remote call. */
    interface Answer {
        /**
         * A task of the shared queue leaves for {@code pending.lane}'s member, in a batch about to be sent: called
         * before the batch leaves (so before its answer), on the thread that sends it.
         */
        void leaving(Pending pending);

        /** The member's answer, or why there is none ({@link NotSent}: the task never left the submitter). */
        void answered(Pending pending, TaskResult result, Throwable error);
    }

    /** One task on its way, and who waits for its answer. */
    static final class Pending {
        static final int QUEUED = 0;
        static final int TAKEN = 1;
        static final int WITHDRAWN = 2;
        private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Pending> STATE =
                java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Pending.class, "state");

        final TaskEnvelope task;
        /**
         * The lane of its member: fixed from the start for a task that must avoid some members (see {@link #pooled}),
         * else set when a lane takes it from the shared queue, just before it leaves.
         */
        volatile Lane lane;
        /** It waits in the shared queue, for whichever member has room first, rather than in a member's lane. */
        final boolean pooled;
        /** How long tasks of this function run, which decides how this task travels. */
        final TaskTimes times;
        /** What its run has left to send, which bounds the batches at the run's end. */
        final Left left;
        private final Answer to;
        /** {@link #QUEUED}, then {@link #TAKEN} by a batch (or a move) or {@link #WITHDRAWN} by a cancel: once. */
        private volatile int state;

        Pending(TaskEnvelope task, Lane lane, TaskTimes times, Left left, Answer to) {
            this.task = task;
            this.lane = lane;
            this.pooled = lane == null;
            this.times = times;
            this.left = left;
            this.to = to;
        }

        /** Each pending task is answered once: by its batch's answer, or when it is taken out of its lane. */
        void complete(TaskResult result) {
            to.answered(this, result, null);
        }

        void fail(Throwable error) {
            to.answered(this, null, error);
        }

        /** The member it is (or was to be) sent to; null for a task still waiting in the shared queue. */
        Member member() {
            Lane now = lane;
            return now == null ? null : now.member;
        }

        boolean take() {
            return STATE.compareAndSet(this, QUEUED, TAKEN);
        }

        boolean withdraw() {
            return STATE.compareAndSet(this, QUEUED, WITHDRAWN);
        }
    }

    static final class Lane {
        final Member member;
        /** This submitter's tasks for the member, waiting here or in flight. */
        final MemberLoads.Load load;
        /** Tasks that must go to this member (they avoid others: see {@link #pooled}); most wait in the shared queue. */
        final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger waitingCount = new AtomicInteger();
        /** Batches sent and not answered yet (a task sent alone is a batch of one). */
        final AtomicInteger busy = new AtomicInteger();
        /** The times of the function whose task came last to {@link #waiting}. */
        volatile TaskTimes recent;
        /** What the run whose task came last to {@link #waiting} has left to send. */
        volatile Left recentLeft;
        volatile boolean gone;
        /**
         * Its last answer said the member is going (it shuts down, or left, before the member list says so): until an
         * answer comes back from it, it takes one batch at a time. Such a member answers at once, so it looked the
         * least loaded and drew the shared queue's tasks, each sent again elsewhere: a resubmission apiece.
         */
        volatile boolean failing;
        /**
         * The member losses its answers said so far: only the answer to a batch sent after the last one makes the lane
         * not {@link #failing} (an answer to one sent before, a task that was running when the member began to shut
         * down, says nothing new, and made the lane draw a batch per thread, each sent again elsewhere).
         */
        final AtomicInteger losses = new AtomicInteger();

        Lane(Member member, MemberLoads.Load load) {
            this.member = member;
            this.load = load;
        }

        /** The member's executor threads (Hazelcast's default until the member has told its own). */
        int threads() {
            return Math.max(1, load.poolSize);
        }

        /**
         * The size of the next batch for this member, or 0 when none may leave now, {@code busy} batches being in
         * flight, {@code waits} tasks waiting for it (its own and the shared queue's), {@code share} tasks being a
         * member thread's share of this submitter's tasks in flight over {@link #WINDOW_BATCHES} batches (so that one
         * batch per member thread waits here, ready to leave as soon as an answer frees a place): below {@link #DEPTH}
         * per member thread; tasks of unknown time one by one; the others in batches of {@link #batchSize} (at most
         * {@code share}, so that a smaller window, a user's {@code numThreads}, still keeps every thread busy), which
         * leave once that many wait, or with whatever waits while fewer batches than half the member's threads are in
         * flight (the start and the end of a run, where threads would idle). A batch does not leave as soon as one
         * task waits: the first task woken by an answer would leave alone, and the batches would shrink to one task
         * each. Near the end of a run of known size, a batch is at most its share of what the run has left, {@code
         * left / clusterThreads}, and at least {@link #minBatchSize} ({@link Left}); its last tasks leave as soon as
         * they all wait here, however few (they waited until fewer than half the member's threads had a batch:
         * measured at the end of runs of 100 us tasks, a last batch of one to three tasks often left 3 to 14 ms after
         * the others).
         */
        int nextBatch(int busy, int waits, long taskNanos, int share, long left, int clusterThreads) {
            if (waits <= 0 || busy >= DEPTH * threads()) {
                return 0;
            }
            if (taskNanos < 0) {
                return 1;
            }
            int enough = Math.max(1, Math.min(batchSize(taskNanos), share));
            enough = atTheEnd(enough, left, clusterThreads, taskNanos);
            // enough for a batch, or the run's last tasks, all here (no more will come to fill a batch), or threads idle
            return waits >= enough || left >= 0 && waits >= left || 2 * busy < threads() ? enough : 0;
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
        /** The most tasks in flight of the function's last run that had an answer (see {@link Left#started}). */
        volatile int window;

        /** The mean task time (at least 1 ns), or -1 until the first answer. */
        long nanos() {
            long now = nanos;
            return now < 0 ? -1 : Math.max(1, now);
        }

        /** Known, and its tasks travel in batches of more than one. */
        boolean isShort() {
            long now = nanos;
            return now >= 0 && batchSize(now) > 1;
        }

        /**
         * Adds one batch's mean. The mean rises more slowly than it falls: on a busy member a batch of short tasks
         * sometimes runs far longer than the others (its thread descheduled a while; measured: 0.26 to 1.14 ms for
         * tasks that park 100 us, at a load average of 20), and a mean taken too high makes the next batches, and the
         * next run's window, too small to keep the members busy; one taken a little low only makes a batch longer.
         */
        void measured(long runNanos, int tasks) {
            // capped, so that one batch descheduled for a while on a busy member does not count many times over
            long mean = Math.min(runNanos / Math.max(1, tasks), SAMPLE_CAP_NANOS);
            long before = nanos;
            nanos = before < 0 ? mean : mean > before ? before + (mean - before) / 8 : before - (before - mean) / 4;
        }
    }

    /** The times of a function, for a run to keep (one look-up per run, not per task). */
    TaskTimes times(String function) {
        return times.computeIfAbsent(function, f -> new TaskTimes());
    }

    /**
     * A task for the shared queue, not queued yet: {@link #send} queues it, the first member with room takes it
     * ({@link Answer#leaving} says which), and {@code to} gets its answer.
     */
    Pending pooled(TaskEnvelope task, TaskTimes taskTimes, Left left, Answer to) {
        return new Pending(task, null, taskTimes, left, to);
    }

    /**
     * A task for {@code member}'s lane alone (one that must avoid the members it lost or that refused it), not queued
     * yet: {@link #send} queues it, and {@code to} gets its answer.
     */
    Pending pending(Member member, TaskEnvelope task, TaskTimes taskTimes, Left left, Answer to) {
        return new Pending(task, lane(member), taskTimes, left, to);
    }

    private Lane lane(Member member) {
        Lane lane = lanes.get(member.getUuid());
        if (lane == null) {
            lane = lanes.computeIfAbsent(member.getUuid(), uuid -> new Lane(member, cluster.loads().load(member)));
        }
        return lane;
    }

    /** Queues the task, from where it leaves alone or in a batch (maybe at once, on this thread). */
    void send(Pending pending) {
        inFlight.incrementAndGet();
        pending.left.queued();
        if (pending.pooled) {
            recent = pending.times;
            recentLeft = pending.left;
            pool.add(pending);
            poolCount.incrementAndGet();
        } else {
            Lane lane = pending.lane;
            lane.recent = pending.times;
            lane.recentLeft = pending.left;
            lane.waiting.add(pending);
            lane.waitingCount.incrementAndGet();
            if (lane.gone) {
                failWaiting(lane, null, true);
            }
        }
        flush();
    }

    /**
     * Takes back a task that still waits here to be sent (the run cancelled it: the run stopped, or
     * the task timed out), so that it is never sent: true when it was taken back, false when it had left.
     */
    boolean withdraw(Pending pending) {
        if (!pending.withdraw()) {
            return false;
        }
        inFlight.decrementAndGet();
        pending.left.ended(1, false);
        if (pending.pooled) {
            pool.remove(pending);
            poolCount.decrementAndGet();
        } else {
            pending.lane.waiting.remove(pending);
            pending.lane.waitingCount.decrementAndGet();
        }
        return true;
    }

    long batched() {
        return batched.sum();
    }

    /** Tasks waiting on this submitter to be sent, for tests. */
    int waiting() {
        return poolCount.get() + lanes.values().stream().mapToInt(lane -> lane.waitingCount.get()).sum();
    }

    /** The member left: what waits for it goes to the other members (not a resubmission: it never left). */
    void forget(UUID member) {
        Lane lane = lanes.remove(member);
        if (lane != null) {
            lane.gone = true;
            failWaiting(lane, null, true);
        }
        if (!cluster.loads().hasDataMember()) {
            // no member left to take the shared queue's tasks: each is sent again, and fails for want of a member
            failPool(() -> new NotSent("The cluster has no data member left", false));
        }
    }

    /**
     * A member joined (on a thread that may not make remote calls): the tasks waiting for a member of their own go again
     * to the least loaded members, and the shared queue is sent from on the sender thread, so that the new member
     * takes its share of them at once rather than only of the tasks started from now on.
     */
    void rebalance() {
        for (Lane lane : lanes.values()) {
            failWaiting(lane, null, false);
        }
        if (poolCount.get() > 0 && !cluster.onSender(this::flush)) {
            failPoolClosed();
        }
    }

    /**
     * Ends what waits in the lane: {@link NotSent} (sent elsewhere then, the lane's member avoided when
     * {@code memberGone}), or else, with {@code why}, a failure.
     */
    private void failWaiting(Lane lane, String why, boolean memberGone) {
        Pending pending;
        while ((pending = lane.waiting.poll()) != null) {
            if (!pending.take()) {
                continue; // withdrawn meanwhile: counted by the withdrawal
            }
            lane.waitingCount.decrementAndGet();
            inFlight.decrementAndGet();
            pending.left.ended(1, false);
            pending.fail(why != null ? new IllegalStateException(why)
                    : new NotSent(memberGone ? "Member " + lane.member.getAddress()
                    + " left the cluster before the task was sent" : "Moved to a member that joined", memberGone));
        }
    }

    /** This view closed, or the cluster lost its last data member, while tasks waited in the shared queue. */
    private void failPool(java.util.function.Supplier<? extends Throwable> why) {
        Pending pending;
        while ((pending = pool.poll()) != null) {
            if (pending.take()) {
                poolCount.decrementAndGet();
                inFlight.decrementAndGet();
                pending.left.ended(1, false);
                pending.fail(why.get());
            }
        }
    }

    private void failPoolClosed() {
        failPool(() -> new IllegalStateException("the ParallelizedCluster was closed before the task was sent"));
    }

    /** The lanes of the data members now, one per member (made for a member that has none yet), by the member list. */
    private Lane[] lanesNow() {
        Member[] members = cluster.loads().members();
        Lane[] known = current;
        if (knownMembers != members) {
            List<Lane> now = new ArrayList<>(members.length);
            for (Member member : members) {
                if (!member.isLiteMember()) {
                    now.add(lane(member));
                }
            }
            known = now.toArray(new Lane[0]);
            current = known; // racy on purpose: a stale pair is read again at the next change
            knownMembers = members;
        }
        return known;
    }

    /**
     * Sends what may leave, flat combining: whoever finds the flag free sends for everyone, and looks again after it
     * let the flag go. The next batch goes to the member with the fewest batches in flight for its threads, among
     * those that may take one ({@link Lane#nextBatch}): its own tasks first, then the shared queue's.
     */
    private void flush() {
        int clusterThreads = cluster.loads().threads();
        while (pick(clusterThreads) != null && sending.compareAndSet(false, true)) {
            try {
                Lane lane;
                while ((lane = pick(clusterThreads)) != null) {
                    int size = size(lane, clusterThreads);
                    List<Pending> batch = new ArrayList<>(Math.min(size, MAX_BATCH));
                    Pending next;
                    while (batch.size() < size && (next = lane.waiting.poll()) != null) {
                        if (next.take()) {
                            lane.waitingCount.decrementAndGet();
                            batch.add(next);
                        }
                    }
                    int fromPool = 0;
                    while (batch.size() < size && (next = pool.poll()) != null) {
                        next.lane = lane; // before it is taken: a cancel that finds it taken finds its member
                        if (next.take()) {
                            poolCount.decrementAndGet();
                            batch.add(next);
                            fromPool++;
                        }
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    if (fromPool > 0) {
                        lane.load.inFlight.addAndGet(fromPool);
                        for (Pending pending : batch) {
                            if (pending.pooled) {
                                pending.to.leaving(pending);
                            }
                        }
                    }
                    lane.busy.incrementAndGet();
                    countSent(batch);
                    submit(lane, batch);
                }
            } finally {
                sending.set(false);
            }
        }
    }

    /** The lane that sends next: of those that may, the one with the fewest batches in flight for its threads. */
    private Lane pick(int clusterThreads) {
        Lane best = null;
        double least = Double.MAX_VALUE;
        for (Lane lane : lanesNow()) {
            if (!lane.gone && (!lane.failing || lane.busy.get() == 0) && size(lane, clusterThreads) > 0) {
                double load = (double) lane.busy.get() / lane.threads();
                if (load < least) {
                    best = lane;
                    least = load;
                }
            }
        }
        return best;
    }

    private int size(Lane lane, int clusterThreads) {
        int own = lane.waitingCount.get();
        TaskTimes times = own > 0 && lane.recent != null ? lane.recent : recent;
        Left left = own > 0 && lane.recentLeft != null ? lane.recentLeft : recentLeft;
        long taskNanos = times == null ? -1 : times.nanos();
        int share = Math.max(inFlight.get(), left == null ? 0 : left.started())
                / (WINDOW_BATCHES * Math.max(1, clusterThreads));
        return lane.nextBatch(lane.busy.get(), own + poolCount.get(), taskNanos, share, left == null ? -1 : left.get(),
                clusterThreads);
    }

    /** The batch's tasks are no longer in flight in their runs (one update per run in the batch). */
    private static void ended(List<Pending> batch, boolean answer) {
        Left run = batch.get(0).left;
        int tasks = 0;
        for (Pending pending : batch) {
            if (pending.left != run) {
                run.ended(tasks, answer);
                run = pending.left;
                tasks = 0;
            }
            tasks++;
        }
        run.ended(tasks, answer);
    }

    /** The batch's tasks no longer count in what their runs have left to send (one update per run in the batch). */
    private static void countSent(List<Pending> batch) {
        Left run = batch.get(0).left;
        int tasks = 0;
        for (Pending pending : batch) {
            if (pending.left != run) {
                run.sent(tasks);
                run = pending.left;
                tasks = 0;
            }
            tasks++;
        }
        run.sent(tasks);
    }

    private void submit(Lane lane, List<Pending> batch) {
        int losses = lane.losses.get();
        Future<?> future;
        try {
            if (batch.size() > 1) {
                batched.add(batch.size());
            }
            List<TaskEnvelope> tasks = new ArrayList<>(batch.size());
            batch.forEach(p -> tasks.add(p.task));
            future = cluster.taskExecutor().submitToMember(new TaskBatch(tasks), lane.member);
        } catch (RuntimeException e) {
            arrivedAndAnswered(lane, batch, null, e, false, losses);
            return;
        }
        if (future instanceof CompletionStage<?> stage) {
            // on the thread that completes the future (Hazelcast's, which may make no remote call), the member's place
            // is free, and the next batch leaves from the sender thread now, not once an answer thread has handed out
            // this batch's outcomes: a descheduled answer thread held the members' next batches for milliseconds, and
            // answer threads held by a slow listener or consumer held every place whose answer queued behind them (a
            // task alone too: a run's first tasks, of unknown time or before its window fills, leave alone, and 16 of
            // them took all the places of 2 members of 4 threads for good while both answer threads were held).
            // Only a member loss frees its place on the answer thread, as before, the lane failing from its arrival: a
            // failing lane takes one batch whenever it has none, and a member shutting down answers at once, so freed
            // here it drew a task per round trip until the member list dropped it (up to 106 resubmissions instead of
            // about 8 for 300 tasks of 20 ms in MembershipTest)
            stage.whenCompleteAsync((result, error) -> {
                boolean loss = false;
                try {
                    loss = error != null && cluster.isMemberLoss(error);
                    if (loss) {
                        lane.losses.incrementAndGet();
                        lane.failing = true;
                    } else {
                        arrived(lane, error, true, losses);
                    }
                } finally {
                    // the outcomes on one of the view's answer threads, not Hazelcast's: a checkpointed run may hold
                    // the thread that delivers its outcomes until its store has written, and a store on the cluster's
                    // map needs Hazelcast's threads for that; handed out whatever the arrival's bookkeeping threw
                    if (loss) {
                        cluster.onAnswerThread(() -> arrivedAndAnswered(lane, batch, result, error, false, -1));
                    } else {
                        cluster.onAnswerThread(() -> answered(lane, batch, result, error));
                    }
                }
            }, Runnable::run);
        } else {
            Object result = null;
            Throwable error = null;
            try {
                result = future.get();
            } catch (Exception e) {
                error = e;
            }
            arrivedAndAnswered(lane, batch, result, error, false, losses);
        }
    }

    /** Both, on this thread (a member loss on the answer thread, a send that failed, or a future without stages). */
    private void arrivedAndAnswered(Lane lane, List<Pending> batch, Object result, Throwable error, boolean sendNow,
                                    int losses) {
        try {
            arrived(lane, error, sendNow, losses);
        } finally {
            answered(lane, batch, result, error);
        }
    }

    /**
     * The answer of a batch sent to {@code lane}'s member came back (maybe a failure): the member's place is free, and,
     * with {@code sendNow}, what waits here leaves on the sender thread (else once the answer is handed out). A member
     * loss makes the lane {@link Lane#failing} first, so that the sender does not pick it for the next batch; another
     * answer to a batch sent after the member's last loss ({@code losses} then, -1 when already counted) makes it not
     * failing. On any thread; no remote call.
     */
    private void arrived(Lane lane, Throwable error, boolean sendNow, int losses) {
        try {
            if (error != null && cluster.isMemberLoss(error)) {
                if (losses >= 0) {
                    lane.losses.incrementAndGet();
                }
                lane.failing = true;
            } else if (lane.losses.get() == losses) {
                lane.failing = false;
            }
        } finally {
            lane.busy.decrementAndGet();
        }
        if (sendNow && (poolCount.get() > 0 || lane.waitingCount.get() > 0)) {
            cluster.onSender(this::flush); // closed: the answer's own handling fails what waits
        }
    }

    private void answered(Lane lane, List<Pending> batch, Object result, Throwable error) {
        inFlight.addAndGet(-batch.size());
        ended(batch, error == null);
        try {
            complete(batch, result, error);
        } finally {
            boolean memberLoss = error != null && cluster.isMemberLoss(error);
            if (memberLoss) {
                // the member is going: what waits for it goes elsewhere now, rather than after a failed send each
                failWaiting(lane, null, true);
            }
            if (lane.waitingCount.get() > 0 || poolCount.get() > 0) {
                if (!cluster.onSender(this::flush)) {
                    failWaiting(lane, "the ParallelizedCluster was closed before the task was sent", false);
                    failPoolClosed();
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
     * Only the tasks bound to a member wait in a lane; the others wait in the shared queue, for whichever member has
     * room first.
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
            if (!pending.take()) {
                i++;
                continue;
            }
            from.waitingCount.decrementAndGet();
            inFlight.decrementAndGet();
            pending.left.ended(1, false);
            pending.fail(new NotSent("Moved to a member with a free thread", false));
        }
    }

    private static void complete(List<Pending> batch, Object result, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            for (Pending pending : batch) {
                pending.fail(cause);
            }
        } else {
            TaskBatch.Results results = (TaskBatch.Results) result;
            if (results.results.get(0).kind != TaskResult.NOT_HERE) { // a member without the function measures nothing
                batch.get(0).times.measured(results.runNanos, batch.size());
            }
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(results.results.get(i));
            }
        }
    }
}
