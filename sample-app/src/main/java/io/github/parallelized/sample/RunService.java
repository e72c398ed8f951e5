package io.github.parallelized.sample;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RetryPolicy;
import io.github.parallelized.TaskLimit;
import io.github.parallelized.TaskFunction;
import io.github.parallelized.spring.ParallelizedFactory;
import io.github.parallelized.spring.ParallelizedLimits;
import io.github.parallelized.spring.ParallelizedRuns;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Starts runs with the injected {@link ParallelizedFactory} and consumes each on a thread of its own, the way a
 * service would run a batch job in the background. It keeps no list of runs: which runs exist, how many go on,
 * and cancelling come from the starter's {@link ParallelizedRuns}, the registry that the actuator endpoint and
 * the meters read too, so {@code /api/runs/{id}} and {@code /actuator/parallelized/{id}} name the same run and a
 * finished run leaves both after {@code parallelized.metrics.retention}. The service only adds what each of its
 * runs' consumers saw (recent failures, summary), by run id. Thread-safe.
 */
@Service
public class RunService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);
    private static final int DEFAULT_IO_THREADS = 64;
    private static final int FLAKY_LATENCY_MS = 40;
    private static final int API_LATENCY_MS = 60;
    /** The named limit of api runs: {@code parallelized.limits.api}. */
    static final String API_LIMIT = "api";
    /**
     * How api runs retry: a 429 waits what its {@code Retry-After} says (jitter only postpones it), anything else
     * is not retried.
     */
    static final RetryPolicy API_RETRY = RetryPolicy.exponential(8, Duration.ofMillis(100), Duration.ofSeconds(2))
            .withJitter(0.2)
            .retryOn(SimulatedApi.TooManyRequests.class::isInstance);

    private final ParallelizedFactory factory;
    private final ParallelizedRuns runs;
    private final SampleProperties properties;
    private final ParallelizedLimits limits;
    private final SimulatedApi api;
    /** What the consumers saw, by run id; an entry leaves once the registry has let its run go. */
    private final Map<String, TrackedRun> seen = new ConcurrentHashMap<>();
    private final ExecutorService consumers;
    private volatile ExecutorService ioPool;
    /** Whether the application has a checkpoint store (the starter's, on the H2 database of application.yml). */
    private final boolean checkpoints;

    /**
     * Creates the service.
     *
     * @param factory     the starter's factory, preset from {@code parallelized.*}
     * @param runs        the starter's registry of runs
     * @param properties  the sample's settings
     * @param limits      the starter's named limits ({@code parallelized.limits.*}), among them {@code api}
     * @throws IllegalArgumentException if there is no {@code parallelized.limits.api}
     * @param checkpoints the application's checkpoint store, if it has one
     */
    public RunService(ParallelizedFactory factory, ParallelizedRuns runs, SampleProperties properties,
                      ParallelizedLimits limits, ObjectProvider<CheckpointStore> checkpoints) {
        this.factory = factory;
        this.runs = runs;
        this.properties = properties;
        this.limits = limits;
        // api runs obey this limit: without it (a configuration that left it out) every api run answered a bare 500;
        // now the start-up stops, the message naming parallelized.limits.api
        limits.get(API_LIMIT);
        this.api = new SimulatedApi(properties.apiRate(), API_LATENCY_MS);
        this.checkpoints = checkpoints.getIfUnique() != null;
        this.consumers = Executors.newCachedThreadPool(IoExecutors.daemons("sample-consumer-"));
    }

    /**
     * Checks a request and starts its run in the background.
     *
     * @param request the request
     * @return the run as it is just after its start
     * @throws InvalidRunRequestException if the request is wrong; nothing is started
     * @throws TooManyRunsException       if {@code sample.max-active-runs} runs are going on
     */
    public RunView start(RunRequest request) {
        return start(request.validate(properties.maxCount()), null);
    }

    /**
     * Starts a run under a checkpoint: inputs with a success recorded under it are skipped, the others run and are
     * recorded. The demo runs use one of their own, so that a restarted service resumes them.
     *
     * @param request    the request
     * @param checkpoint the checkpoint's name, or null for a new one of this run's own
     * @return the run as it is just after its start
     */
    public RunView start(RunRequest request, String checkpoint) {
        return start(request.validate(properties.maxCount()), checkpoint);
    }

    /**
     * Runs the inputs of a finished run that failed again, and only those: a new run with the same parameters under
     * the same checkpoint, which skips every input that succeeded.
     *
     * @param id the finished run's id
     * @return the new run, or empty if the run is unknown
     * @throws NothingToRunAgainException (409) if the run is still going on, has no failures, or has no checkpoint,
     *                                    or if a run of its inputs (an earlier run of them again) is going on
     */
    public Optional<RunView> runFailedAgain(String id) {
        TrackedRun tracked = seen.get(id);
        if (tracked == null) {
            return Optional.empty();
        }
        if (!tracked.isFinished()) {
            throw new NothingToRunAgainException("run " + id + " is still going on: wait for its end or cancel it");
        }
        if (tracked.checkpoint() == null) {
            throw new NothingToRunAgainException("run " + id + " has no checkpoint: the service has no database");
        }
        if (tracked.run().summary().failed() == 0) {
            throw new NothingToRunAgainException("run " + id + " has no failed inputs");
        }
        return Optional.of(start(tracked.spec(), tracked.checkpoint()));
    }

    private RunView start(RunSpec spec, String checkpointOrNull) {
        String checkpoint = !checkpoints ? null
                : checkpointOrNull != null ? checkpointOrNull : "sample-run-" + UUID.randomUUID();
        TrackedRun tracked;
        // one start at a time, so that two requests cannot both take the last free place
        synchronized (this) {
            if (runs.activeCount() >= properties.maxActiveRuns()) {
                throw new TooManyRunsException(properties.maxActiveRuns());
            }
            forgetRunsTheRegistryLetGo();
            if (checkpointOrNull != null) {
                refuseASecondRunUnder(checkpointOrNull);
            }
            boolean limited = spec.kind() == RunKind.API;
            tracked = new TrackedRun(launchChecked(spec, checkpoint), spec, properties.keepFailures(), checkpoint,
                    limited ? API_LIMIT : null, limited ? apiLimit() : null);
            seen.put(tracked.id(), tracked);
        }
        try {
            consumers.execute(tracked::consume);
        } catch (RejectedExecutionException e) {
            // shutting down: nobody will consume this run, so end it now
            tracked.run().close();
            throw e;
        }
        log.info("Started run {} ({} x {})", tracked.id(), spec.count(), spec.desc());
        return tracked.view();
    }

    /**
     * One run at a time under a checkpoint: two would run the same inputs at the same time (two requests to run a
     * run's failed inputs again started two runs of them, and each input ran twice). Called under this.
     */
    private void refuseASecondRunUnder(String checkpoint) {
        for (TrackedRun tracked : seen.values()) {
            if (checkpoint.equals(tracked.checkpoint()) && !tracked.isFinished()) {
                throw new NothingToRunAgainException("run " + tracked.id() + " runs these inputs now (checkpoint "
                        + checkpoint + "): wait for its end or cancel it");
            }
        }
    }

    /**
     * Finds a run.
     *
     * @param id the run's id
     * @return the run's view, or empty if it is unknown, not one of this service's, or past its retention
     */
    public Optional<RunView> find(String id) {
        return runs.find(id).flatMap(snapshot -> Optional.ofNullable(seen.get(id)).map(t -> t.view(snapshot)));
    }

    /**
     * The service's runs that the registry knows: live ones in start order, then finished ones, the latest first.
     *
     * @return their views
     */
    public List<RunView> list() {
        forgetRunsTheRegistryLetGo();
        List<RunView> views = new ArrayList<>();
        for (ProgressSnapshot snapshot : runs.list()) {
            TrackedRun tracked = seen.get(snapshot.id());
            if (tracked != null) {
                views.add(tracked.view(snapshot));
            }
        }
        return views;
    }

    /**
     * Cancels a run through the registry: running inputs are interrupted, the inputs never started are given
     * back to the run's {@code remaining()}, the source is read no further.
     *
     * @param id the run's id
     * @return the run's view, or empty if it is unknown
     */
    public Optional<RunView> cancel(String id) {
        if (!seen.containsKey(id)) {
            return Optional.empty();
        }
        return runs.cancel(id).flatMap(snapshot -> Optional.ofNullable(seen.get(id)).map(t -> t.view(snapshot)));
    }

    private void forgetRunsTheRegistryLetGo() {
        seen.values().removeIf(tracked -> tracked.isFinished() && runs.find(tracked.id()).isEmpty());
    }

    /**
     * Starts the run; a {@code threads} above the shared pool's limit is refused by the starter at
     * {@code start()} (nothing runs), and answered as a bad request naming the field.
     */
    private Parallelized<Integer, String> launchChecked(RunSpec spec, String checkpoint) {
        try {
            return launch(spec, checkpoint);
        } catch (IllegalArgumentException e) {
            if (spec.threads() == null) {
                throw e;
            }
            throw new InvalidRunRequestException(List.of(new InvalidRunRequestException.FieldError("threads",
                    "threads " + spec.threads() + " is refused: " + e.getMessage())));
        }
    }

    private Parallelized<Integer, String> launch(RunSpec spec, String checkpoint) {
        return switch (spec.kind()) {
            case CPU -> builder(Workloads.cpu(spec.iterations()), spec, checkpoint).start();
            case IO -> startIo(spec, checkpoint);
            case FLAKY -> builder(Workloads.flaky(spec.failureRate(), FLAKY_LATENCY_MS,
                    () -> ThreadLocalRandom.current().nextDouble()), spec, checkpoint)
                    .retry(spec.maxAttempts(), properties.flakyBackoff(), IOException.class::isInstance)
                    .start();
            case API -> builder(api::call, spec, checkpoint).limit(apiLimit()).retry(API_RETRY).start();
        };
    }

    /** The limit every api run shares, so that together they keep to the API's quota. */
    private TaskLimit apiLimit() {
        return limits.get(API_LIMIT);
    }

    /**
     * I/O-bound tasks mostly wait, so they get many threads of their own: the engine's virtual threads on Java
     * 21+, else a dedicated pool of platform threads. This also keeps them off the shared CPU pool that
     * {@code parallelized.num-threads} sizes (the preset shared pool is replaced, as any preset is).
     */
    private Parallelized<Integer, String> startIo(RunSpec spec, String checkpoint) {
        int threads = spec.threads() != null ? spec.threads() : DEFAULT_IO_THREADS;
        Parallelized.Builder<Integer, String> builder = builder(Workloads.io(spec.latencyMs()), spec, checkpoint)
                .numThreads(threads);
        return (IoExecutors.virtualThreadsAvailable() ? builder.virtualThreads() : builder.executor(ioPool()))
                .start();
    }

    private Parallelized.Builder<Integer, String> builder(TaskFunction<Integer, String> work, RunSpec spec,
                                                          String checkpoint) {
        Parallelized.Builder<Integer, String> builder = factory.of(work, IntStream.range(0, spec.count()).boxed());
        builder.desc(spec.desc()).total(spec.count());
        if (checkpoint != null) {
            // the factory's default store: the starter's, on the application's DataSource
            builder.checkpoint(checkpoint, String::valueOf);
        }
        if (spec.threads() != null) {
            builder.numThreads(spec.threads());
        }
        return builder;
    }

    private ExecutorService ioPool() {
        ExecutorService pool = ioPool;
        if (pool == null) {
            synchronized (this) {
                pool = ioPool;
                if (pool == null) {
                    pool = IoExecutors.platformPool(properties.ioThreads());
                    ioPool = pool;
                }
            }
        }
        return pool;
    }

    /**
     * Stops taking runs. Runs that go on are left to the starter, which gives them
     * {@code parallelized.shutdown.await-termination} and then cancels them; their consumers then end.
     */
    @Override
    public void destroy() {
        consumers.shutdown();
        ExecutorService pool = ioPool;
        if (pool != null) {
            pool.shutdown();
        }
    }
}
