package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * One or more tasks for one member in one round trip (see {@link Lanes}), each run exactly as a task sent alone
 * (cancellation checked before each). Short tasks run one after the other on the executor thread that took the
 * batch; otherwise ({@link #parallel}) the batch fans out: helpers on the same executor pool take tasks from it
 * too, so that the batch's tasks run side by side, bounded by the pool's size as any task. Either way the answers
 * come back together, when the batch's last task has ended: a long task among short ones delays the answers of its
 * batch (a per-task timeout bounds that). The answer carries all
 * results at once, and the time the tasks ran, which tells the submitter how to send the next ones.
 *
 * <p>On the wire the run, submitter, function and version of a task are written only when they differ from the
 * task before it: a batch of one run's tasks carries them once.
 */
final class TaskBatch implements Callable<TaskBatch.Results>, IdentifiedDataSerializable, HazelcastInstanceAware {

    private List<TaskEnvelope> tasks;
    /** Fan out on the member's pool: the tasks are not known to be short. */
    private boolean parallel;
    private transient HazelcastInstance member;

    TaskBatch() {
    }

    TaskBatch(List<TaskEnvelope> tasks, boolean parallel) {
        this.tasks = tasks;
        this.parallel = parallel;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Results call() throws InterruptedException {
        TaskEnvelope[] all = tasks.toArray(new TaskEnvelope[0]);
        for (TaskEnvelope task : all) {
            task.setHazelcastInstance(member);
        }
        TaskResult[] results = new TaskResult[all.length];
        MemberSide side = MemberSide.of(member);
        Executor pool = side == null ? null : side.pool();
        if (!parallel || all.length == 1 || pool == null) {
            long nanos = 0;
            for (int i = 0; i < all.length; i++) {
                long start = System.nanoTime();
                results[i] = all[i].call();
                nanos += System.nanoTime() - start;
            }
            return new Results(Arrays.asList(results), nanos);
        }
        Shared shared = new Shared(all, results);
        for (int i = 1; i < all.length; i++) {
            try {
                pool.execute(shared::runSome);
            } catch (RejectedExecutionException e) {
                break; // the pool is full or shutting down: this thread runs the rest
            }
        }
        shared.runSome();
        // only tasks a helper has already taken are waited for; a helper that starts later finds nothing left
        shared.done.await();
        return new Results(Arrays.asList(results), shared.nanos.sum());
    }

    /** The tasks of a fanned-out batch, taken one by one by whichever thread comes first. */
    private static final class Shared {
        final TaskEnvelope[] tasks;
        final TaskResult[] results;
        final AtomicInteger next = new AtomicInteger();
        final CountDownLatch done;
        final LongAdder nanos = new LongAdder();

        Shared(TaskEnvelope[] tasks, TaskResult[] results) {
            this.tasks = tasks;
            this.results = results;
            this.done = new CountDownLatch(tasks.length);
        }

        void runSome() {
            for (int i; (i = next.getAndIncrement()) < tasks.length; ) {
                long start = System.nanoTime();
                try {
                    results[i] = tasks[i].call();
                } finally {
                    nanos.add(System.nanoTime() - start);
                    done.countDown();
                }
            }
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(parallel);
        out.writeInt(tasks.size());
        TaskEnvelope previous = null;
        for (TaskEnvelope task : tasks) {
            boolean same = previous != null && previous.run.equals(task.run) && previous.submitter.equals(task.submitter)
                    && previous.function.equals(task.function) && previous.version.equals(task.version);
            out.writeBoolean(same);
            if (same) {
                task.writeTask(out);
            } else {
                task.writeData(out);
            }
            previous = task;
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        parallel = in.readBoolean();
        int size = in.readInt();
        TaskEnvelope[] read = new TaskEnvelope[size];
        TaskEnvelope previous = null;
        for (int i = 0; i < size; i++) {
            TaskEnvelope task = new TaskEnvelope();
            if (in.readBoolean() && previous != null) {
                task.sameHeaderAs(previous);
                task.readTask(in);
            } else {
                task.readData(in);
            }
            read[i] = task;
            previous = task;
        }
        tasks = Arrays.asList(read);
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.BATCH;
    }

    /** The answers of a batch, in the order of its tasks, and the time its tasks ran, added up. */
    static final class Results implements IdentifiedDataSerializable {
        List<TaskResult> results;
        long runNanos;

        Results() {
        }

        Results(List<TaskResult> results, long runNanos) {
            this.results = results;
            this.runNanos = runNanos;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeLong(runNanos);
            out.writeInt(results.size());
            out.writeString(results.get(0).member);
            for (TaskResult result : results) {
                result.writeAnswer(out);
            }
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            runNanos = in.readLong();
            int size = in.readInt();
            String from = in.readString();
            TaskResult[] read = new TaskResult[size];
            for (int i = 0; i < size; i++) {
                read[i] = new TaskResult();
                read[i].member = from;
                read[i].readAnswer(in);
            }
            results = Arrays.asList(read);
        }

        @Override
        public int getFactoryId() {
            return Wire.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return Wire.BATCH_RESULTS;
        }
    }
}
