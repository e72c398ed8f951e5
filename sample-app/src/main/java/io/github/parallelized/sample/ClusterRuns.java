package io.github.parallelized.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.github.parallelized.Outcome;
import io.github.parallelized.Parallelized;
import io.github.parallelized.hazelcast.ParallelizedCluster;
import io.github.parallelized.spring.ClusterTask;
import io.github.parallelized.spring.ParallelizedClusterFactory;
import io.github.parallelized.spring.ParallelizedRuns;

/**
 * The cluster demo (profile {@code cluster}): every instance of the service is a Hazelcast member that runs the
 * {@code "render"} task (sleeps the given milliseconds, returns its input); {@code POST /api/cluster-runs} on any
 * of them starts a run spread over all of them, {@code GET /api/cluster-runs} shows the runs with what the cluster
 * did (tasks per member, resubmissions after a member was lost, and per member its tasks in flight, done and sent
 * elsewhere), {@code DELETE /api/cluster-runs/{id}} cancels one.
 * Progress and meters are also in {@code /actuator/parallelized} and {@code /actuator/prometheus}, like a local
 * run's, so the dashboard shows cluster runs beside local ones.
 */
@RestController
@RequestMapping("/api/cluster-runs")
@Profile("cluster")
public class ClusterRuns {

    private static final int MAX_COUNT = 1_000_000;
    private final ParallelizedClusterFactory factory;
    private final ParallelizedCluster cluster;
    private final ParallelizedRuns registry;
    private final SampleProperties properties;
    /** The cluster runs started here, until the registry of runs lets them go; guarded by itself. */
    private final Map<String, Parallelized<Long, Long>> runs = new LinkedHashMap<>();

    /**
     * Creates the controller.
     *
     * @param factory    builds cluster runs
     * @param cluster    the cluster, for the figures of a run
     * @param registry   the starter's registry of runs: how many go on, which it still shows
     * @param properties the sample's settings ({@code sample.max-active-runs})
     */
    public ClusterRuns(ParallelizedClusterFactory factory, ParallelizedCluster cluster, ParallelizedRuns registry,
                       SampleProperties properties) {
        this.factory = factory;
        this.cluster = cluster;
        this.registry = registry;
        this.properties = properties;
    }

    /**
     * The task every instance registers at start-up: sleeps the input's milliseconds part, returns the input.
     *
     * @return the cluster task {@code "render"}
     */
    @Bean
    static ClusterTask<Long, Long> renderTask() {
        return ClusterTask.of("render", (Long input) -> {
            Thread.sleep(input % 1_000);
            return input;
        });
    }

    /**
     * Starts a run of {@code count} tasks of {@code millis} each, consumed in the background.
     *
     * @param count  how many tasks, 1 to 1,000,000
     * @param millis how long each sleeps, 0 to 999
     * @return the run's id and what it is
     * @throws InvalidRunRequestException (400) if a value is out of range
     * @throws TooManyRunsException        (429) if {@code sample.max-active-runs} runs, local or cluster, go on
     */
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> start(@RequestParam(defaultValue = "10000") int count,
                                     @RequestParam(defaultValue = "10") int millis) {
        List<InvalidRunRequestException.FieldError> errors = new ArrayList<>();
        if (count < 1 || count > MAX_COUNT) {
            errors.add(new InvalidRunRequestException.FieldError("count",
                    "count must be 1 to " + MAX_COUNT + ", was " + count));
        }
        if (millis < 0 || millis > 999) {
            errors.add(new InvalidRunRequestException.FieldError("millis", "millis must be 0 to 999, was " + millis));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunRequestException(errors);
        }
        Parallelized<Long, Long> run;
        // one start at a time, and the same limit as local runs: before, cluster runs took no notice of it (while
        // they counted against the local runs' one)
        synchronized (runs) {
            if (registry.activeCount() >= properties.maxActiveRuns()) {
                throw new TooManyRunsException(properties.maxActiveRuns());
            }
            // a run leaves the registry only once finished and past its retention: forgotten here too (the map grew
            // with every run started)
            runs.values().removeIf(done -> registry.find(done.id()).isEmpty());
            run = factory.<Long, Long>of("render", IntStream.range(0, count).mapToObj(i -> (long) i * 1_000 + millis))
                    .total(count).desc("cluster render").start();
            runs.put(run.id(), run);
        }
        Thread consumer = new Thread(() -> {
            try (run) {
                for (Outcome<Long, Long> ignored : run) {
                    // the outcomes are counted by the run; the demo keeps none
                }
            }
        }, "cluster-run-" + run.id());
        consumer.setDaemon(true);
        consumer.start();
        return Map.of("id", run.id(), "count", count, "millis", millis);
    }

    /**
     * The cluster runs started here, with their progress and what the cluster did.
     *
     * @return one entry per run, oldest first
     */
    @GetMapping
    public List<Map<String, Object>> list() {
        synchronized (runs) {
            runs.values().removeIf(done -> registry.find(done.id()).isEmpty());
            return runs.values().stream().map(this::view).toList();
        }
    }

    /**
     * Cancels a cluster run: one broadcast tells every member to drop its queued tasks and interrupt its running
     * ones; the consumer then receives their cancelled outcomes. Cancelling an ended run changes nothing.
     *
     * @param id the run's id
     * @return the run just after the cancel
     * @throws UnknownRunException (404) if no cluster run started here has that id
     */
    @DeleteMapping("/{id}")
    public Map<String, Object> cancel(@PathVariable String id) {
        Parallelized<Long, Long> run;
        synchronized (runs) {
            run = runs.get(id);
        }
        if (run == null) {
            throw new UnknownRunException(id);
        }
        run.cancel();
        return view(run);
    }

    private Map<String, Object> view(Parallelized<Long, Long> run) {
        Map<String, Object> view = new LinkedHashMap<>();
        var snapshot = run.progress().snapshot();
        view.put("id", run.id());
        view.put("state", snapshot.state());
        view.put("total", snapshot.total());
        view.put("succeeded", snapshot.succeeded());
        view.put("failed", snapshot.failed());
        view.put("cancelled", snapshot.cancelled());
        cluster.stats(run).ifPresent(stats -> {
            view.put("resubmitted", stats.resubmissions());
            view.put("completedByMember", stats.completedByMember());
            // what each data member is doing for the run now: its tasks in flight, done, and sent elsewhere
            view.put("members", stats.members().stream().map(member -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("address", member.address());
                entry.put("running", member.running());
                entry.put("completed", member.completed());
                entry.put("resubmissions", member.resubmissions());
                entry.put("left", member.left());
                return entry;
            }).toList());
        });
        return view;
    }
}
