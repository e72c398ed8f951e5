package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Several tasks for one member in one round trip (see {@link Lanes}): the member runs them one after the other on
 * the executor thread that took the batch, each exactly as a task sent alone (cancellation checked before each),
 * and answers all results at once.
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
        List<TaskResult> results = new ArrayList<>(tasks.size());
        for (TaskEnvelope task : tasks) {
            task.setHazelcastInstance(member);
            results.add(task.call());
        }
        return new Results(results);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(tasks.size());
        for (TaskEnvelope task : tasks) {
            task.writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int size = in.readInt();
        tasks = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            TaskEnvelope task = new TaskEnvelope();
            task.readData(in);
            tasks.add(task);
        }
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.BATCH;
    }

    /** The answers of a batch, in the order of its tasks. */
    static final class Results implements IdentifiedDataSerializable {
        List<TaskResult> results;

        Results() {
        }

        Results(List<TaskResult> results) {
            this.results = results;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeInt(results.size());
            for (TaskResult result : results) {
                result.writeData(out);
            }
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            int size = in.readInt();
            results = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                TaskResult result = new TaskResult();
                result.readData(in);
                results.add(result);
            }
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
