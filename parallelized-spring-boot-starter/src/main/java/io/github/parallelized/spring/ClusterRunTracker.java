package io.github.parallelized.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.github.parallelized.Summary;
import io.github.parallelized.hazelcast.ClusterRunStats;
import io.github.parallelized.hazelcast.ParallelizedCluster;

/**
 * Follows the runs of the cluster factory for the endpoint and the health contributor: a listener of each, placed
 * before the run registry, that keeps the live run (to ask {@link ParallelizedCluster#stats} on each read) and, once
 * it has finished, its last figures, until the registry lets the run go. Thread-safe.
 */
final class ClusterRunTracker implements ClusterRunsView, ProgressReporter {

    private final ParallelizedCluster cluster;
    private final Map<String, Parallelized<?, ?>> live = new ConcurrentHashMap<>();
    private final Map<String, ClusterDescriptor> finished = new ConcurrentHashMap<>();

    ClusterRunTracker(ParallelizedCluster cluster, RunRegistry registry) {
        this.cluster = cluster;
        registry.onRemoved(finished::remove);
    }

    @Override
    public void onStart(Parallelized<?, ?> run) {
        live.put(run.id(), run);
    }

    /** Keeps the run's last figures; called before the registry's own end of the run, which may let it go at once. */
    @Override
    public void onFinish(ProgressSnapshot snapshot, Summary summary) {
        Parallelized<?, ?> run = live.remove(snapshot.id());
        if (run != null) {
            cluster.stats(run).ifPresent(stats -> {
                if (finished.size() < RunRegistry.MAX_FINISHED) {
                    finished.put(snapshot.id(), describe(stats));
                }
            });
        }
    }

    @Override
    public ClusterDescriptor describe(String runId) {
        Parallelized<?, ?> run = live.get(runId);
        if (run != null) {
            return cluster.stats(run).map(this::describe).orElse(null);
        }
        return finished.get(runId);
    }

    @Override
    public List<String> stranded() {
        if (live.isEmpty() || cluster.dataMembers() > 0) {
            return List.of();
        }
        List<String> stranded = new ArrayList<>();
        live.values().forEach(run -> {
            ProgressSnapshot snapshot = run.progress().snapshot();
            if (snapshot.state() == RunState.RUNNING
                    && (snapshot.total() < 0 || snapshot.pending() > 0 || snapshot.running() > 0)) {
                stranded.add("'" + snapshot.description() + "' (id " + snapshot.id() + ")");
            }
        });
        return stranded;
    }

    @Override
    public int dataMembers() {
        return cluster.dataMembers();
    }

    private ClusterDescriptor describe(ClusterRunStats stats) {
        return new ClusterDescriptor(stats.function(), cluster.dataMembers(), stats.submissions(),
                stats.resubmissions(), stats.members().stream().map(member -> new ClusterDescriptor.Member(
                        member.uuid().toString(), member.address(), member.running(), member.completed(),
                        member.resubmissions(), member.left())).toList());
    }
}
