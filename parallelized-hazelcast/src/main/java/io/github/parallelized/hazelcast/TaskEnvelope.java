package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * One task on its way to a member: the run it belongs to, who submitted it, the registered function's name
 * and version, and the input already serialized by the submitter (so that a resubmission does not serialize
 * it again and an unserializable input fails on the submitter, with its own message). Runs on the member's
 * {@value ParallelizedCluster#EXECUTOR} executor.
 */
final class TaskEnvelope implements Callable<TaskResult>, IdentifiedDataSerializable, HazelcastInstanceAware {

    UUID run;
    /** The task's number in its run, for a cancel of this task alone (its timeout). */
    long task;
    UUID submitter;
    String function;
    String version;
    byte[] input;
    /** When the member received it ({@link System#nanoTime()}), to tell queued tasks of a dead submitter. */
    private transient HazelcastInstance member;

    TaskEnvelope() {
    }

    TaskEnvelope(UUID run, long task, UUID submitter, String function, String version, byte[] input) {
        this.run = run;
        this.task = task;
        this.submitter = submitter;
        this.function = function;
        this.version = version;
        this.input = input;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public TaskResult call() {
        MemberSide side = MemberSide.of(member);
        if (side == null) {
            String address = String.valueOf(member.getCluster().getLocalMember().getAddress());
            return TaskResult.notHere(new ClusterTaskException("Member " + address + " cannot run cluster task '"
                    + function + "': it has no ParallelizedCluster; call"
                    + " ParallelizedCluster.on(hazelcastInstance).register(\"" + function + "\", ...) on every member at"
                    + " start-up", null), TaskResult.serialization(member), address);
        }
        return side.execute(this);
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(run.getMostSignificantBits());
        out.writeLong(run.getLeastSignificantBits());
        out.writeLong(submitter.getMostSignificantBits());
        out.writeLong(submitter.getLeastSignificantBits());
        out.writeString(function);
        out.writeString(version);
        writeTask(out);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        run = new UUID(in.readLong(), in.readLong());
        submitter = new UUID(in.readLong(), in.readLong());
        function = in.readString();
        version = in.readString();
        readTask(in);
    }

    /** The task's own part, without the header that a batch writes once for several tasks of one run. */
    void writeTask(ObjectDataOutput out) throws IOException {
        out.writeLong(task);
        out.writeByteArray(input);
    }

    void readTask(ObjectDataInput in) throws IOException {
        task = in.readLong();
        input = in.readByteArray();
    }

    /** Takes the header (run, submitter, function, version) of the task before it in a batch. */
    void sameHeaderAs(TaskEnvelope previous) {
        run = previous.run;
        submitter = previous.submitter;
        function = previous.function;
        version = previous.version;
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.TASK;
    }
}
