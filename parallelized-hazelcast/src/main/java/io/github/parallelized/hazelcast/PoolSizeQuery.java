package io.github.parallelized.hazelcast;

import java.util.concurrent.Callable;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Asks a member how many threads its {@value ParallelizedCluster#EXECUTOR} executor has (ordinary Hazelcast
 * configuration), so that a run's default number of tasks in flight fills the cluster and no more.
 */
final class PoolSizeQuery implements Callable<Integer>, IdentifiedDataSerializable, HazelcastInstanceAware {

    private transient HazelcastInstance member;

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    @Override
    public Integer call() {
        return member.getConfig().findExecutorConfig(ParallelizedCluster.EXECUTOR).getPoolSize();
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // no fields: the question is the type
    }

    @Override
    public void readData(ObjectDataInput in) {
        // no fields
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
