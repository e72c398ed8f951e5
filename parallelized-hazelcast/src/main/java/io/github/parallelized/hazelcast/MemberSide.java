package io.github.parallelized.hazelcast;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.SerializationService;

import io.github.parallelized.Errors;

/**
 * What a member keeps to run cluster tasks: the registry of functions, the runs that have tasks running here,
 * the runs cancelled by broadcast and the submitters that are gone.
 *
 * <p>Life of a task on a member: it is received and waits in the executor's queue; when a thread takes it, it
 * is dropped as "cancelled before start" if its run was cancelled or its submitter is gone (whenever the task
 * was received: it can sit in the executor's queue, or still travel, when the departure is heard); otherwise
 * its thread is entered in {@link #running} under its run, then the run's cancellation is checked once more
 * (so a broadcast either finds the thread or is seen by it), the function runs, and the thread leaves
 * {@link #running}. A cancel marks the run and interrupts the threads entered under it; each thread is
 * interrupted at most while its own task runs ({@link Slot}), never in the next task it takes.
 *
 * <p>Marks of cancelled runs and gone submitters are forgotten after {@link #MARK_LIFETIME_NANOS}, long after
 * any task sent before them can still be queued.
 */
final class MemberSide {

    /** The key of a member's {@code ParallelizedCluster} in the Hazelcast instance's user context. */
    static final String USER_CONTEXT_KEY = "io.github.parallelized.hazelcast.ParallelizedCluster";
    private static final long MARK_LIFETIME_NANOS = TimeUnit.HOURS.toNanos(1);

    private final TaskRegistry registry;
    private final SerializationService serialization;
    private final String address;
    private final Map<UUID, Long> cancelledRuns = new ConcurrentHashMap<>();
    private final Map<UUID, Long> goneSubmitters = new ConcurrentHashMap<>();
    /** Single tasks cancelled by their submitter (their timeout), wherever they wait: alone or in a batch. */
    private final Map<TaskKey, Long> cancelledTasks = new ConcurrentHashMap<>();
    private final Map<UUID, RunningTasks> running = new ConcurrentHashMap<>();

    MemberSide(TaskRegistry registry, HazelcastInstance member) {
        this.registry = registry;
        this.serialization = TaskResult.serialization(member);
        this.address = String.valueOf(member.getCluster().getLocalMember().getAddress());
    }


    static MemberSide of(HazelcastInstance member) {
        Object cluster = member.getUserContext().get(USER_CONTEXT_KEY);
        return cluster instanceof ParallelizedCluster c ? c.memberSide() : null;
    }

    /** Whether a function is registered here: a member that just joined may not have registered its own yet. */
    boolean knowsFunctions() {
        return !registry.isEmpty();
    }

    /** Runs one task on this thread (a batch of one). */
    TaskResult execute(TaskEnvelope task) {
        try (Runner runner = runner()) {
            return runner.execute(task);
        }
    }

    /** A runner for the tasks of one batch, one after the other on this thread; close it after the last. */
    Runner runner() {
        return new Runner();
    }

    /**
     * Runs a batch's tasks on the thread that took the batch. The thread is entered in {@link #running} once per run
     * of consecutive tasks of one run (a batch is mostly one run's), not once per task: each task only marks its
     * {@link Slot} busy with its number, and a cancel interrupts the thread only while a task of the cancelled run (or
     * the cancelled task itself) runs on it.
     */
    final class Runner implements AutoCloseable {
        private Slot slot;
        private UUID slotRun;
        private String lastFunction;
        private TaskRegistry.Registered lastRegistered;

        TaskResult execute(TaskEnvelope task) {
            if (stopped(task)) {
                return TaskResult.cancelledBeforeStart(address);
            }
            TaskRegistry.Registered registered = registered(task.function);
            if (registered == null) {
                return TaskResult.notHere(new ClusterTaskException("No cluster task named '" + task.function
                        + "' is registered on member " + address + " (registered there: " + registry.names()
                        + "); call ParallelizedCluster.register(\"" + task.function + "\", ...) on every member", null),
                        serialization, address);
            }
            if (!task.version.isEmpty() && !task.version.equals(registered.version())) {
                return failure(new ClusterTaskException("Cluster task '" + task.function + "' has version "
                        + registered.version() + " on member " + address + " but version " + task.version
                        + " on the submitter: deploy the same code on every member", null));
            }
            Object input;
            try {
                input = TaskResult.object(serialization, task.input);
            } catch (Throwable e) {
                // an Error too (a readObject that throws one): this task's failure, never its batch's
                return failure(new ClusterTaskException("The input of cluster task '" + task.function
                        + "' cannot be deserialized on member " + address + ": " + Errors.describe(e, false), e));
            }
            Slot entered = enter(task);
            entered.begin(task.task);
            try {
                // after the thread is entered and busy: a cancel either finds it or is seen here
                if (stopped(task)) {
                    return TaskResult.cancelledBeforeStart(address);
                }
                Object result = registered.function().apply(input);
                try {
                    return TaskResult.success(TaskResult.bytes(serialization, result), address);
                } catch (Throwable e) {
                    return failure(new ClusterTaskException("The result of cluster task '" + task.function
                            + "' on member " + address + " (" + result.getClass().getName() + ") cannot be serialized"
                            + " by Hazelcast: make it Serializable, Compact or give it a serializer ("
                            + Errors.describe(e, false) + ")", e));
                }
            } catch (Throwable error) {
                return failure(error);
            } finally {
                entered.end();
            }
        }

        /** The registered function, looked up again only when the batch's function changes. */
        private TaskRegistry.Registered registered(String function) {
            if (lastRegistered == null || !function.equals(lastFunction)) {
                lastRegistered = registry.get(function);
                lastFunction = function;
            }
            return lastRegistered;
        }

        /** This thread's slot under the task's run: the same as for the task before when it is of the same run. */
        private Slot enter(TaskEnvelope task) {
            if (slot != null && task.run.equals(slotRun)) {
                return slot;
            }
            close();
            Slot entering = new Slot(Thread.currentThread());
            running.compute(task.run, (run, tasks) -> {
                RunningTasks entered = tasks != null ? tasks : new RunningTasks(task.submitter);
                entered.slots.add(entering);
                return entered;
            });
            slot = entering;
            slotRun = task.run;
            return entering;
        }

        /** The thread leaves {@link #running}. */
        @Override
        public void close() {
            Slot leaving = slot;
            if (leaving != null) {
                slot = null;
                running.computeIfPresent(slotRun, (run, tasks) -> {
                    tasks.slots.remove(leaving);
                    return tasks.slots.isEmpty() ? null : tasks;
                });
                slotRun = null;
            }
        }
    }

    private TaskResult failure(Throwable error) {
        return TaskResult.failure(error, serialization, address);
    }

    private boolean stopped(TaskEnvelope task) {
        if (cancelledRuns.containsKey(task.run)) {
            return true;
        }
        return goneSubmitters.containsKey(task.submitter)
                || !cancelledTasks.isEmpty() && cancelledTasks.containsKey(new TaskKey(task.run, task.task));
    }

    void cancelRun(UUID run) {
        mark(cancelledRuns, run);
        running.computeIfPresent(run, (id, tasks) -> {
            tasks.slots.forEach(Slot::interrupt);
            return tasks;
        });
    }

    /** One task timed out on its submitter: it will not start here, or it is interrupted if it runs. */
    void cancelTask(UUID run, long task) {
        mark(cancelledTasks, new TaskKey(run, task));
        running.computeIfPresent(run, (id, tasks) -> {
            tasks.slots.forEach(slot -> slot.interrupt(task));
            return tasks;
        });
    }

    boolean isCancelled(UUID run, long task) {
        return cancelledTasks.containsKey(new TaskKey(run, task));
    }

    /** A member or client left: its queued tasks will not start, its running ones are interrupted. */
    void submitterGone(UUID submitter) {
        mark(goneSubmitters, submitter);
        for (UUID run : running.keySet()) {
            running.computeIfPresent(run, (id, tasks) -> {
                if (tasks.submitter.equals(submitter)) {
                    tasks.slots.forEach(Slot::interrupt);
                }
                return tasks;
            });
        }
    }

    /** A client that reconnects keeps its id: its new tasks run again. */
    void submitterBack(UUID submitter) {
        goneSubmitters.remove(submitter);
    }

    /** Whether this member has heard that the submitter left (its queued tasks no longer start). */
    boolean knowsGone(UUID submitter) {
        return goneSubmitters.containsKey(submitter);
    }

    /** Tasks running on this member now (threads entered under a run, busy with one of its tasks). */
    int runningTasks() {
        int busy = 0;
        for (UUID run : running.keySet()) {
            int[] count = new int[1];
            running.computeIfPresent(run, (id, tasks) -> {
                tasks.slots.forEach(slot -> count[0] += slot.busy() ? 1 : 0);
                return tasks;
            });
            busy += count[0];
        }
        return busy;
    }

    private static <K> void mark(Map<K, Long> marks, K id) {
        long now = System.nanoTime();
        marks.put(id, now);
        marks.values().removeIf(markedAt -> now - markedAt > MARK_LIFETIME_NANOS);
    }

    private record TaskKey(UUID run, long task) {
    }

    /** The tasks of one run that run on this member now; guarded by the map's per-key locking. */
    private static final class RunningTasks {
        final UUID submitter;
        final Set<Slot> slots = new HashSet<>();

        RunningTasks(UUID submitter) {
            this.submitter = submitter;
        }
    }

    /**
     * One executor thread entered under a run, for the tasks of that run it runs one after the other: it can be
     * interrupted only while one of them runs ({@link #begin} to {@link #end}), never between them or in a later task.
     */
    private static final class Slot {
        private final Thread thread;
        /** The number of the task running, while {@link #busy}. */
        private long task;
        private boolean busy;
        private boolean interrupted;

        Slot(Thread thread) {
            this.thread = thread;
        }

        synchronized void begin(long number) {
            task = number;
            busy = true;
        }

        synchronized boolean busy() {
            return busy;
        }

        /** Interrupts the task running now, whichever it is (its run was cancelled, its submitter is gone). */
        synchronized void interrupt() {
            if (busy) {
                interrupted = true;
                thread.interrupt();
            }
        }

        /** Interrupts the task running now if it is task {@code number} (its own timeout). */
        synchronized void interrupt(long number) {
            if (busy && task == number) {
                interrupted = true;
                thread.interrupt();
            }
        }

        void end() {
            boolean clear;
            synchronized (this) {
                busy = false;
                clear = interrupted;
                interrupted = false;
            }
            if (clear) {
                // our interrupt, not the executor's: the pooled thread must not carry it into its next task
                Thread.interrupted();
            }
        }
    }
}
