package io.github.parallelized.spring;

import java.util.List;

/**
 * What the endpoint and the health contributor know of cluster runs, without a Hazelcast type in sight (the
 * starter runs without {@code parallelized-hazelcast} on the class path): implemented by {@link ClusterRunTracker}.
 * Thread-safe.
 */
interface ClusterRunsView {

    /** The cluster part of run {@code runId}'s descriptor; null for a local run, or a cluster run this view let go. */
    ClusterDescriptor describe(String runId);

    /**
     * The live cluster runs that still have inputs to run while the cluster has no data member left (lite members
     * and clients run no task), each as {@code 'desc' (id n)}: empty while the cluster has a data member.
     */
    List<String> stranded();

    /** The cluster's data members now. */
    int dataMembers();
}
