package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * "Cancel run X", sent to every member on the {@value ParallelizedCluster#CONTROL_EXECUTOR} executor (not the
 * task executor, where it would wait behind the run's own queue): the member marks the run cancelled, so that
 * its queued tasks answer "cancelled before start", and interrupts the ones running. With a task id ("cancel task
 * N of run X", sent to the one member that has it, when that task timed out), the same for that task alone, whether
 * it travelled alone or in a batch.
 */
final class CancelRun implements Runnable, IdentifiedDataSerializable, HazelcastInstanceAware {

    private UUID run;
    /** The task to cancel, or {@link #WHOLE_RUN}. */
    private long task = WHOLE_RUN;
    private transient HazelcastInstance member;

    CancelRun() {
    }

    static final long WHOLE_RUN = -1;

    CancelRun(UUID run) {
        this.run = run;
    }

    CancelRun(UUID run, long task) {
        this.run = run;
        this.task = task;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public void run() {
        MemberSide side = MemberSide.of(member);
        if (side != null) {
            if (task == WHOLE_RUN) {
                side.cancelRun(run);
            } else {
                side.cancelTask(run, task);
            }
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(run.getMostSignificantBits());
        out.writeLong(run.getLeastSignificantBits());
        out.writeLong(task);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        run = new UUID(in.readLong(), in.readLong());
        task = in.readLong();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.CANCEL_RUN;
    }
}
