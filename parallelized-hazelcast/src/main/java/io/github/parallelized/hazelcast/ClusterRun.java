package io.github.parallelized.hazelcast;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.hazelcast.cluster.Member;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.Summary;

/**
 * The cluster side of one run on its submitter: its cluster-wide id, what it sent where, and its
 * cancellation. It listens to the core run (a {@link ProgressReporter} added by
 * {@link ParallelizedCluster#of}) to learn the run's handle at the start and to broadcast the cancel at the
 * end if the run stopped early and no cancelled task has done it yet.
 */
final class ClusterRun implements ProgressReporter {

    final UUID id = UUID.randomUUID();
    final String function;
    final String version;
    private final ParallelizedCluster cluster;
    /** How long this function's tasks run on the members (shared by its runs): how they travel. */
    final Lanes.TaskTimes times;
    /** What this run has left to send, for the batch sizes at its end: its size once it starts, if known. */
    final Lanes.Left left;
    private volatile Parallelized<?, ?> run;
    private final LongAdder submissions = new LongAdder();
    private final AtomicLong taskIds = new AtomicLong();
    private final LongAdder resubmissions = new LongAdder();
    /** Keyed by the member itself (its address is formatted for {@link #stats} only, not once per task). */
    private final Map<Member, PerMember> byMember = new ConcurrentHashMap<>();
    /** The first members' counts, found by identity on the per-task path (a member object's hash is computed). */
    private volatile PerMember[] recent = new PerMember[0];
    private static final int RECENT_MEMBERS = 16;
    private final Set<UUID> announcedLosses = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean cancelSent = new AtomicBoolean();
    private volatile boolean finished;

    ClusterRun(ParallelizedCluster cluster, String function, String version) {
        this.cluster = cluster;
        this.function = function;
        this.version = version;
        this.times = cluster.lanes().times(function);
        this.left = new Lanes.Left(times);
    }

    @Override
    public void onStart(Parallelized<?, ?> started) {
        this.run = started;
        left.total(started.progress().total()); // before the run's loops start; -1 when the size is unknown
        cluster.track(started.id(), this);
        started.progress().setPostfix(Map.of("members", cluster.dataMembers()));
    }

    /**
     * The first cancelled outcome of a stopped run broadcasts the cancel at once, on the thread that stops the run
     * (the tasks' own cancels follow on another thread): the members' queued tasks of the run then do not start.
     */
    @Override
    public void onOutcome(String runId, Outcome<?, ?> outcome) {
        if (outcome.isCancelled() && !cancelSent.get()) {
            Parallelized<?, ?> started = run;
            if (started != null && started.isCancelled()) {
                broadcastCancel();
            }
        }
    }

    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        finished = true;
        Parallelized<?, ?> started = run;
        if (started != null && started.isCancelled()) {
            broadcastCancel();
        }
    }

    long nextTaskId() {
        return taskIds.getAndIncrement();
    }

    /** A task of this run is sent to {@code member}: it runs there until {@link #released}. */
    void submitted(Member member) {
        submissions.increment();
        perMember(member).running.increment();
    }

    /** A task that waited on the submitter for a member moved to {@code member}: on it now, not a new submission. */
    void movedTo(Member member) {
        perMember(member).running.increment();
    }

    /** A task sent to {@code member} is answered, failed to leave, or was taken back before it left. */
    void released(Member member) {
        perMember(member).running.decrement();
    }

    void completedOn(Member member) {
        perMember(member).completed.increment();
    }

    /** What this run has on one member, counted as its tasks come and go. */
    private static final class PerMember {
        final Member member;
        final LongAdder running = new LongAdder();
        final LongAdder completed = new LongAdder();
        final LongAdder resubmissions = new LongAdder();

        PerMember(Member member) {
            this.member = member;
        }
    }

    private PerMember perMember(Member member) {
        PerMember[] recent = this.recent;
        for (PerMember counts : recent) {
            if (counts.member == member) {
                return counts; // the member list's own objects: found by identity, without hashing the member
            }
        }
        PerMember counts = byMember.get(member);
        if (counts == null) {
            counts = byMember.computeIfAbsent(member, PerMember::new);
        }
        if (recent.length < RECENT_MEMBERS) {
            PerMember[] more = java.util.Arrays.copyOf(recent, recent.length + 1);
            more[recent.length] = counts;
            this.recent = more; // racy on purpose: a lost entry is looked up in the map again
        }
        return counts;
    }

    /**
     * A task is sent again because {@code member} was lost: counted, shown in the postfix with the members left, said
     * once per member.
     */
    void resubmitted(Member member, Throwable why) {
        resubmissions.increment();
        perMember(member).resubmissions.increment();
        cluster.countResubmission();
        Parallelized<?, ?> started = run;
        if (started == null) {
            return;
        }
        updatePostfix(started, true);
        if (announcedLosses.add(member.getUuid())) {
            started.progress().write("Member " + address(member) + " lost (" + why.getClass().getSimpleName()
                    + "): its tasks of '" + function + "' are sent to the other members");
        }
    }

    /** A member joined or left: the postfix shows the data members now, while the run goes on. */
    void membersChanged() {
        Parallelized<?, ?> started = run;
        if (started != null && !finished) {
            updatePostfix(started, false);
        }
    }

    /**
     * Sets {@code members} to the data members now and, with {@code resubmitted}, the resubmissions counted, read
     * under the lock: many tasks resubmit at once when a member is lost, and the last to set the postfix must not
     * write an older count.
     */
    private synchronized void updatePostfix(Parallelized<?, ?> started, boolean resubmitted) {
        Map<String, Object> postfix = new LinkedHashMap<>(started.progress().snapshot().postfix());
        postfix.put("members", cluster.dataMembers());
        if (resubmitted) {
            postfix.put("resubmitted", resubmissions.sum());
        }
        started.progress().setPostfix(postfix);
    }

    /**
     * The run cancelled task {@code task}: the run stopped (then every member is told to drop the run), or its per-task
     * timeout passed (then only that task is cancelled, on the member that has it, off the calling thread: it does not
     * start there, or its thread is interrupted, whether it travelled alone or in a batch). {@code member} is null
     * when the task was never sent.
     */
    void cancelled(Member member, long task) {
        Parallelized<?, ?> started = run;
        if (started == null || started.isCancelled()) {
            broadcastCancel();
        } else if (member != null) {
            cluster.control(() -> cluster.controlExecutor().executeOnMember(new CancelRun(id, task), member));
        }
    }

    void broadcastCancel() {
        if (cancelSent.compareAndSet(false, true)) {
            cluster.control(() -> cluster.controlExecutor().executeOnAllMembers(new CancelRun(id)));
        }
    }

    /**
     * The figures now; per member, the data members now and those that had tasks of this run (a member that left
     * is shown as such), by address.
     */
    ClusterRunStats stats(String runId) {
        Map<String, Long> completed = new LinkedHashMap<>();
        Map<UUID, Member> present = new HashMap<>();
        for (Member member : cluster.loads().members()) {
            if (!member.isLiteMember()) {
                present.put(member.getUuid(), member);
            }
        }
        List<ClusterMemberStats> members = new ArrayList<>();
        Set<UUID> counted = new HashSet<>();
        byMember.forEach((member, counts) -> {
            long done = counts.completed.sum();
            if (done > 0) {
                completed.merge(address(member), done, Long::sum);
            }
            counted.add(member.getUuid());
            members.add(new ClusterMemberStats(member.getUuid(), address(member), Math.max(0, counts.running.sum()),
                    done, counts.resubmissions.sum(), !present.containsKey(member.getUuid())));
        });
        present.forEach((uuid, member) -> {
            if (!counted.contains(uuid)) {
                members.add(new ClusterMemberStats(uuid, address(member), 0, 0, 0, false));
            }
        });
        members.sort(Comparator.comparing(ClusterMemberStats::address)
                .thenComparing(m -> m.uuid().toString()));
        return new ClusterRunStats(runId, function, submissions.sum(), resubmissions.sum(), completed, members);
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }
}
