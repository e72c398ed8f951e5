package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * One or more tasks for one member in one round trip (see {@link Lanes}), run one after the other on the executor
 * thread that took the batch, each exactly as a task sent alone (cancellation checked before each). The answers come
 * back together, with the time the tasks ran, which tells the submitter how to send the next ones.
 *
 * <p>On the wire the run, submitter, function and version of a task are written only when they differ from the
 * task before it: a batch of one run's tasks carries them once.
 */
final class TaskBatch implements Callable<TaskBatch.Results>, IdentifiedDataSerializable, HazelcastInstanceAware {

    private List<TaskEnvelope> tasks;
    private transient HazelcastInstance member;

    TaskBatch() {
    }

    TaskBatch(List<TaskEnvelope> tasks) {
        this.tasks = tasks;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Results call() {
        TaskResult[] results = new TaskResult[tasks.size()];
        MemberSide side = MemberSide.of(member);
        if (side == null) {
            for (int i = 0; i < results.length; i++) {
                TaskEnvelope task = tasks.get(i);
                task.setHazelcastInstance(member);
                results[i] = task.call(); // each says that this member has no ParallelizedCluster
            }
            return new Results(Arrays.asList(results), 0);
        }
        long start = System.nanoTime();
        try (MemberSide.Runner runner = side.runner()) {
            for (int i = 0; i < results.length; i++) {
                results[i] = runner.execute(tasks.get(i));
            }
        }
        return new Results(Arrays.asList(results), System.nanoTime() - start);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
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
