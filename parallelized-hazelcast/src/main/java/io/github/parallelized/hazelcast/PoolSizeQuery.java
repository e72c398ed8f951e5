package io.github.parallelized.hazelcast;

import java.io.IOException;
import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Asks a member how many threads its {@value ParallelizedCluster#EXECUTOR} executor has (ordinary Hazelcast
 * configuration), which sizes a run's default number of tasks in flight and how many tasks the member holds at once.
 * Asked {@linkplain #ifReady() when it joined}, a member answers 0 until it has registered a function (it joins before
 * the application registers them), so that tasks move to it only once it can run them.
 */
final class PoolSizeQuery implements Callable<Integer>, IdentifiedDataSerializable, HazelcastInstanceAware {

    private transient HazelcastInstance member;
    private boolean ifReady;

    PoolSizeQuery() {
    }

    /** The question asked of a member that joined: 0 until it has registered a function. */
    static PoolSizeQuery ifReady() {
        PoolSizeQuery query = new PoolSizeQuery();
        query.ifReady = true;
        return query;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Integer call() {
        if (ifReady) {
            MemberSide side = MemberSide.of(member);
            if (side == null || !side.knowsFunctions()) {
                return 0;
            }
        }
        return member.getConfig().findExecutorConfig(ParallelizedCluster.EXECUTOR).getPoolSize();
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(ifReady);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        ifReady = in.readBoolean();
    }

    @Override
    public int getFactoryId() {
        return Wire.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return Wire.POOL_SIZE;
    }
}
