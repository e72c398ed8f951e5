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
 * Sends tasks to a member in batches, one batch in flight per thread of the member's executor (a "lane"). While
 * a member has a free lane, a task goes at once, alone; when all its lanes are busy (more tasks in flight than the
 * member has threads, which would only wait in the member's queue anyway), the tasks wait here and leave together
 * as the next batch as soon as a lane frees, spread over the free lanes. One Hazelcast round trip then carries
 * several tasks, which is what makes small tasks fast; the member runs a batch's tasks one after the other on one
 * thread, each checked for cancellation before it starts.
 *
 * <p>Threads: tasks are queued and batches sent only on the submitter's worker threads (flat combining: whoever
 * finds the lane's flag free sends for everyone). The completion of a batch runs on Hazelcast's thread and only
 * frees the lane and completes the tasks' futures; the woken workers then send what waits. Whoever clears the flag
 * looks again, so no task is left waiting beside a free lane.
 */
final class Lanes {

    static final int MAX_BATCH = 64;

    private final ParallelizedCluster cluster;
    private final Map<UUID, Lane> lanes = new ConcurrentHashMap<>();
    /** Tasks that travelled in a batch of several, for tests and curiosity. */
    private final java.util.concurrent.atomic.LongAdder batched = new java.util.concurrent.atomic.LongAdder();

    Lanes(ParallelizedCluster cluster) {
        this.cluster = cluster;
    }

    /** One task on its way and its answer. */
    static final class Pending {
        final TaskEnvelope task;
        final Lane lane;
        final CompletableFuture<TaskResult> answer = new CompletableFuture<>();

        Pending(TaskEnvelope task, Lane lane) {
            this.task = task;
            this.lane = lane;
        }
    }

    private static final class Lane {
        final Member member;
        final int threads;
        final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger waitingCount = new AtomicInteger();
        final AtomicInteger busy = new AtomicInteger();
        final AtomicBoolean sending = new AtomicBoolean();
        volatile boolean gone;

        Lane(Member member, int threads) {
            this.member = member;
            this.threads = Math.max(1, threads);
        }
    }

    Pending send(Member member, TaskEnvelope task) {
        Lane lane = lanes.computeIfAbsent(member.getUuid(),
                uuid -> new Lane(member, cluster.loads().load(member).poolSize));
        Pending pending = new Pending(task, lane);
        lane.waiting.add(pending);
        lane.waitingCount.incrementAndGet();
        if (lane.gone) {
            failWaiting(lane);
        }
        flush(lane);
        return pending;
    }

    /**
     * Takes back a task that still waits for a free thread (its worker was interrupted: the run was cancelled or
     * the task timed out), so that it is never sent: true when it was taken back, false when it had left.
     */
    boolean withdraw(Pending pending) {
        if (pending.lane.waiting.remove(pending)) {
            pending.lane.waitingCount.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Sends what waits beside {@code answered}, if a lane is free: called by a worker after it got its answer. */
    void flush(Pending answered) {
        flush(answered.lane);
    }

    long batched() {
        return batched.sum();
    }

    /** The member left: what waits for it fails as a member loss, so that its workers resubmit it elsewhere. */
    void forget(UUID member) {
        Lane lane = lanes.remove(member);
        if (lane != null) {
            lane.gone = true;
            failWaiting(lane);
        }
    }

    private static void failWaiting(Lane lane) {
        Pending pending;
        while ((pending = lane.waiting.poll()) != null) {
            lane.waitingCount.decrementAndGet();
            pending.answer.completeExceptionally(new TargetNotMemberException("Member " + lane.member.getAddress()
                    + " left the cluster before the task was sent"));
        }
    }

    private void flush(Lane lane) {
        while (lane.waitingCount.get() > 0 && lane.busy.get() < lane.threads && lane.sending.compareAndSet(false, true)) {
            try {
                int busy;
                while (lane.waitingCount.get() > 0 && (busy = lane.busy.get()) < lane.threads) {
                    int free = lane.threads - busy;
                    int size = Math.min(MAX_BATCH, (lane.waitingCount.get() + free - 1) / free);
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
            if (batch.size() == 1) {
                future = cluster.taskExecutor().submitToMember(batch.get(0).task, lane.member);
            } else {
                batched.add(batch.size());
                List<TaskEnvelope> tasks = new ArrayList<>(batch.size());
                batch.forEach(p -> tasks.add(p.task));
                future = cluster.taskExecutor().submitToMember(new TaskBatch(tasks), lane.member);
            }
        } catch (RuntimeException e) {
            answered(lane, batch, null, e);
            return;
        }
        if (future instanceof CompletionStage<?> stage) {
            // runs on the thread that completes Hazelcast's future: frees the lane and wakes the workers, nothing more
            stage.whenCompleteAsync((result, error) -> answered(lane, batch, result, error), Runnable::run);
        } else {
            try {
                answered(lane, batch, future.get(), null);
            } catch (Exception e) {
                answered(lane, batch, null, e);
            }
        }
    }

    private static void answered(Lane lane, List<Pending> batch, Object result, Throwable error) {
        lane.busy.decrementAndGet();
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            batch.forEach(p -> p.answer.completeExceptionally(cause));
        } else if (result instanceof TaskBatch.Results results) {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).answer.complete(results.results.get(i));
            }
        } else {
            batch.get(0).answer.complete((TaskResult) result);
        }
    }
}
