package io.github.parallelized.sample;

import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskFunction;
import io.github.parallelized.spring.ParallelizedFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Starts runs with the injected {@link ParallelizedFactory} and consumes each on a thread of its own, the way a
 * service would run a batch job in the background. The run's id ({@link Parallelized#id()}) is the id of the
 * REST API, so {@code /api/runs/{id}} and {@code /actuator/parallelized/{id}} name the same run.
 * Thread-safe.
 */
@Service
public class RunService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);
    private static final int DEFAULT_IO_THREADS = 64;
    private static final int FLAKY_LATENCY_MS = 40;

    private final ParallelizedFactory factory;
    private final SampleProperties properties;
    private final Map<String, TrackedRun> runs = new LinkedHashMap<>();
    private final ExecutorService consumers;
    private volatile ExecutorService ioPool;

    /**
     * Creates the service.
     *
     * @param factory    the starter's factory, preset from {@code parallelized.*}
     * @param properties the sample's settings
     */
    public RunService(ParallelizedFactory factory, SampleProperties properties) {
        this.factory = factory;
        this.properties = properties;
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
        RunSpec spec = request.validate(properties.maxCount());
        TrackedRun tracked;
        synchronized (runs) {
            long active = runs.values().stream().filter(r -> !r.isFinished()).count();
            if (active >= properties.maxActiveRuns()) {
                throw new TooManyRunsException(properties.maxActiveRuns());
            }
            tracked = new TrackedRun(launchChecked(spec), spec, properties.keepFailures());
            runs.put(tracked.id(), tracked);
            forgetOldFinishedRuns();
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
     * Finds a run.
     *
     * @param id the run's id
     * @return the run's view, or empty if it is unknown or forgotten
     */
    public Optional<RunView> find(String id) {
        return tracked(id).map(TrackedRun::view);
    }

    /**
     * The runs the service remembers, oldest first.
     *
     * @return their views
     */
    public List<RunView> list() {
        List<TrackedRun> all;
        synchronized (runs) {
            all = new ArrayList<>(runs.values());
        }
        return all.stream().map(TrackedRun::view).toList();
    }

    /**
     * Cancels a run: tasks not started become cancelled outcomes, running ones are interrupted.
     *
     * @param id the run's id
     * @return the run's view, or empty if it is unknown
     */
    public Optional<RunView> cancel(String id) {
        return tracked(id).map(r -> {
            r.run().cancel();
            return r.view();
        });
    }

    private Optional<TrackedRun> tracked(String id) {
        synchronized (runs) {
            return Optional.ofNullable(runs.get(id));
        }
    }

    private void forgetOldFinishedRuns() {
        long finished = runs.values().stream().filter(TrackedRun::isFinished).count();
        var it = runs.values().iterator();
        while (finished > properties.keepFinished() && it.hasNext()) {
            if (it.next().isFinished()) {
                it.remove();
                finished--;
            }
        }
    }

    /**
     * Starts the run; a {@code threads} above the shared pool's limit is refused by the starter at
     * {@code start()} (nothing runs), and answered as a bad request naming the field.
     */
    private Parallelized<Integer, String> launchChecked(RunSpec spec) {
        try {
            return launch(spec);
        } catch (IllegalArgumentException e) {
            if (spec.threads() == null) {
                throw e;
            }
            throw new InvalidRunRequestException(List.of(new InvalidRunRequestException.FieldError("threads",
                    "threads " + spec.threads() + " is refused: " + e.getMessage())));
        }
    }

    private Parallelized<Integer, String> launch(RunSpec spec) {
        return switch (spec.kind()) {
            case CPU -> builder(Workloads.cpu(spec.iterations()), spec).start();
            case IO -> startIo(spec);
            case FLAKY -> builder(Workloads.flaky(spec.failureRate(), FLAKY_LATENCY_MS,
                    () -> ThreadLocalRandom.current().nextDouble()), spec)
                    .retry(spec.maxAttempts(), properties.flakyBackoff(), IOException.class::isInstance)
                    .start();
        };
    }

    /**
     * I/O-bound tasks mostly wait, so they get many threads of their own: the engine's virtual threads on Java
     * 21+, else a dedicated pool of platform threads. This also keeps them off the shared CPU pool that
     * {@code parallelized.num-threads} sizes (the preset shared pool is replaced, as any preset is).
     */
    private Parallelized<Integer, String> startIo(RunSpec spec) {
        int threads = spec.threads() != null ? spec.threads() : DEFAULT_IO_THREADS;
        Parallelized.Builder<Integer, String> builder = builder(Workloads.io(spec.latencyMs()), spec)
                .numThreads(threads);
        return (IoExecutors.virtualThreadsAvailable() ? builder.virtualThreads() : builder.executor(ioPool()))
                .start();
    }

    private Parallelized.Builder<Integer, String> builder(TaskFunction<Integer, String> work, RunSpec spec) {
        Parallelized.Builder<Integer, String> builder = factory.of(work, IntStream.range(0, spec.count()).boxed());
        builder.desc(spec.desc()).total(spec.count());
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
