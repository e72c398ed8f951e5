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
 * its queued tasks answer "cancelled before start", and interrupts the ones running.
 */
final class CancelRun implements Runnable, IdentifiedDataSerializable, HazelcastInstanceAware {

    private UUID run;
    private transient HazelcastInstance member;

    CancelRun() {
    }

    CancelRun(UUID run) {
        this.run = run;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public void run() {
        MemberSide side = MemberSide.of(member);
        if (side != null) {
            side.cancelRun(run);
        }
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(run.getMostSignificantBits());
        out.writeLong(run.getLeastSignificantBits());
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        run = new UUID(in.readLong(), in.readLong());
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
