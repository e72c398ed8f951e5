package io.github.parallelized.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Stream;


import com.hazelcast.client.Client;
import com.hazelcast.client.ClientListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;

import io.github.parallelized.CheckpointStore;
import io.github.parallelized.Parallelized;
import io.github.parallelized.TaskFunction;

/**
 * Runs {@link Parallelized} runs across a Hazelcast cluster: each input is sent to a member, run there by a
 * function registered under a name, and its outcome comes back to the submitter, which sees the same
 * outcomes, progress, summary and cancel as with a local run.
 *
 * <pre>{@code
 * ParallelizedCluster cluster = ParallelizedCluster.on(hazelcastInstance); // a member, lite member or client
 * cluster.register("thumbnail", Thumbnails::render);   // on every member: same name, same code
 * try (Parallelized<Path, Path> run = cluster.<Path, Path>of("thumbnail", images).desc("thumbnails").start()) {
 *     for (Outcome<Path, Path> o : run) { ... }
 * }
 * }</pre>
 *
 * <p><b>Functions travel by name, never as code.</b> Every member registers the same functions under the same
 * names at start-up (the same application jar everywhere). A version travels with the name, by default a hash
 * of the class that defines the function, so a member with other code fails that input loudly instead of
 * running its old code. A name the submitter has not registered itself (a client without the code) is sent
 * without a version and not checked.
 *
 * <p><b>Inputs and results</b> travel in Hazelcast's serialization: {@link java.io.Serializable}, Compact, or
 * a serializer registered in the Hazelcast configuration. One that cannot be serialized fails its own input,
 * with a message saying so; so do an unknown name and a version mismatch. The task envelope is the module's own
 * compact {@code IdentifiedDataSerializable} format (factory id {@code 0x50617261}).
 *
 * <p><b>Where tasks run:</b> on the data members (never lite members or clients), in the Hazelcast executor
 * named {@value #EXECUTOR}, whose pool size is ordinary Hazelcast configuration
 * ({@code hazelcast.executor-service.parallelized.pool-size}, default 16). Tasks wait on the submitter in one queue,
 * and the next one (or batch) goes to the member with the fewest batches in flight for its pool size, so a faster
 * member takes more, and a member that joins mid-run takes work at once. A run's
 * {@code numThreads} is the number of its tasks in flight across the cluster: on a member, or waiting on the submitter
 * for one. A member holds two tasks per executor thread at most (one running, the next waiting there, so that the
 * thread never waits for a round trip); the rest wait on the submitter, where a cancel takes them back at once and a
 * member that joins takes its share of them. The default is three batches (below) per member thread once the members
 * have measured the function's tasks: 3 tasks per thread for tasks of 4 ms or more, 30 for tasks of 3 ms, at most
 * 384 (three batches of 128) for tasks of a quarter of a millisecond or less; for a function not measured yet, 32 per
 * member thread ({@code 32 * clusterThreads()}).
 * It is fixed when the run starts.
 * A task's time in flight, which a per-task timeout bounds, counts its wait on the submitter and on the member:
 * with a tight timeout, set {@code numThreads} (for instance {@code 2 * clusterThreads()}). Cancellation is
 * broadcast on the separate executor {@value #CONTROL_EXECUTOR}.
 *
 * <p><b>Small tasks:</b> the members say how long a function's tasks ran. Until they have, each task goes alone
 * (one Hazelcast round trip each). Then tasks travel in batches of about 32 ms of work (tasks of 4 ms or more alone;
 * near the end of a run of known size, smaller batches, down to about 1 ms of work, so that the members end together),
 * at most two per member thread at a time and never so large that a member thread goes without one, each run one task
 * after the other on its member thread (a round trip costs far more than a short task, above all in processor time);
 * a batch's answers come back together, so a long task among short ones delays those of its batch. A per-task timeout
 * cancels that task alone on its member (a targeted cancel on {@value #CONTROL_EXECUTOR}): it does not start there,
 * or its thread is interrupted, whether it travelled alone or in a batch.
 *
 * <p><b>Execution is at least once.</b> When a member dies (crash, kill -9, network loss) or leaves, the tasks it
 * had queued or running are sent to the other members, up to {@value #MAX_RESUBMISSIONS} times per task. A task
 * that was running on the victim, or had finished there while its answer (or its batch's) was still on the way, may
 * have done its work before the crash: it runs again, so tasks must be idempotent. Each resubmission counts as one more
 * {@link io.github.parallelized.Outcome#attempts() attempt} of its input and in
 * {@link io.github.parallelized.Summary#resubmitted()}; {@link #stats(Parallelized)} counts them too, and the run's
 * postfix shows them as {@code resubmitted} beside the data {@code members}. When a submitter dies, members drop its queued tasks and interrupt its running ones as soon
 * as Hazelcast sees it gone (a closed connection at once, a frozen process after the heartbeat timeout).
 *
 * <p><b>A run that outlives its submitter:</b> {@link #resumable(String, String, Iterable, Function)} starts a named run,
 * recorded in the map {@value #RUNS_MAP} (function, submitter, state, heartbeat) and checkpointed in
 * {@link #checkpointStore()}. When its submitter dies, {@link #orphanedRuns()} lists it on every member and client, and
 * {@link #resume(String, Iterable, Function)}, given the inputs again, takes it over and skips what succeeded. A
 * lease in the map lets one submitter at a time run it ({@link RunInProgressException} for the others).
 *
 * <p>Thread-safe. One instance per Hazelcast instance ({@link #on} returns it); {@link #close()} detaches it.
 */
public final class ParallelizedCluster implements AutoCloseable {

    /** The name of the Hazelcast executor that runs the tasks on the members; configure its pool size there. */
    public static final String EXECUTOR = "parallelized";
    /** The name of the Hazelcast executor of cancel broadcasts, apart so that they never wait behind tasks. */
    public static final String CONTROL_EXECUTOR = "parallelized-control";
    /** How many times one task is sent again after losing its member before it fails. */
    public static final int MAX_RESUBMISSIONS = 5;
    /** The name of the Hazelcast map of {@link #checkpointStore()}; configure its backups there. */
    public static final String CHECKPOINT_MAP = "parallelized-checkpoint";
    /**
     * The name of the Hazelcast map of the named runs ({@link #resumable}): one small entry per run, its function,
     * submitter, state and heartbeat; configure its backups there.
     */
    public static final String RUNS_MAP = "parallelized-runs";
    /** How long a named run's submitter may miss its heartbeats before the run counts as orphaned, by default. */
    public static final Duration DEFAULT_RUN_LEASE = Duration.ofSeconds(10);
    /** The longest lease: it is kept and sent in milliseconds. */
    private static final Duration MAX_LEASE = Duration.ofMillis(Long.MAX_VALUE);

    private static final System.Logger LOG = System.getLogger(ParallelizedCluster.class.getName());
    private static final int TRACKED_RUNS = 256;
    /** How many times a member that joined is asked whether it runs tasks yet, 100 ms apart. */
    private static final int JOIN_QUESTIONS = 600;
    private static final AtomicInteger CONTROL_THREADS = new AtomicInteger();
    private static final AtomicInteger SENDER_THREADS = new AtomicInteger();
    private static final AtomicInteger ANSWER_THREADS = new AtomicInteger();
    /** The threads that hand out the answers of the batches ({@link #answers}). */
    static final int ANSWER_THREAD_COUNT = 2;

    private final HazelcastInstance hazelcast;
    /** The instance's name, read while it runs: a client's {@code getName()} throws once it is shut down. */
    private final String instanceName;
    private final TaskRegistry registry = new TaskRegistry();
    private final MemberSide memberSide;
    private final MemberLoads loads;
    private final Lanes lanes = new Lanes(this);
    private final SerializationService serialization;
    private final UUID localUuid;
    private final IExecutorService taskExecutor;
    private final IExecutorService controlExecutor;
    private final ThreadPoolExecutor control;
    /**
     * Sends what Hazelcast's completion threads may not (they cannot make remote calls): a task sent again after its
     * member was lost, the batches waiting for a member once a batch's answer came. One thread, woken once per answer
     * that leaves such work, not per task.
     */
    private final ThreadPoolExecutor sender;
    /**
     * Hands out the answers of the batches (their tasks' outcomes), never on Hazelcast's threads: a checkpointed run
     * holds the thread that delivers an outcome while its store is 1,000 outcomes behind, and a store on the cluster's
     * map needs Hazelcast's response threads for its own writes (measured: a client and a lite member stalled until the
     * map's 30 s bound, and the run failed). Two threads ({@link #ANSWER_THREAD_COUNT}), each woken once per answered
     * batch: with one, a batch's outcomes waited while it was descheduled in the middle of another's (measured on a
     * loaded 2-core machine: answers received 5 to 15 ms before they were handled, at the end of a run too).
     */
    private final ThreadPoolExecutor answers;
    private final LongAdder resubmissions = new LongAdder();
    private final UUID membershipListener;
    private final UUID clientListener;
    /** The named runs of this view ({@link #resumable}), made at the first use; guarded by {@link #namedRunsLock}. */
    private NamedRuns namedRuns;
    private final Object namedRunsLock = new Object();
    private final Map<String, ClusterRun> runs = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ClusterRun> eldest) {
            return size() > TRACKED_RUNS;
        }
    };

    private ParallelizedCluster(HazelcastInstance hazelcast) {
        AsyncExecutor.installIfThreadPerTask();
        this.hazelcast = hazelcast;
        this.instanceName = hazelcast.getName();
        this.serialization = TaskResult.serialization(hazelcast);
        this.localUuid = hazelcast.getLocalEndpoint().getUuid();
        this.loads = new MemberLoads(hazelcast.getCluster());
        this.taskExecutor = hazelcast.getExecutorService(EXECUTOR);
        this.controlExecutor = hazelcast.getExecutorService(CONTROL_EXECUTOR);
        boolean member = hazelcast.getLocalEndpoint() instanceof Member;
        this.memberSide = member ? new MemberSide(registry, hazelcast) : null;
        this.control = oneThread("parallelized-cluster-control-", CONTROL_THREADS);
        this.sender = oneThread("parallelized-cluster-sender-", SENDER_THREADS);
        this.answers = threads("parallelized-cluster-answers-", ANSWER_THREADS, ANSWER_THREAD_COUNT);
        this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // a new member is picked by the loads as soon as they see it; the runs' postfix shows it
                loads.refresh();
                joined(event.getMember(), 1);
                runsChangedMembers();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                UUID gone = event.getMember().getUuid();
                loads.refresh();
                loads.forget(gone);
                lanes.forget(gone);
                if (memberSide != null) {
                    memberSide.submitterGone(gone);
                }
                runsChangedMembers();
            }
        });
        loads.refresh(); // a member that joined before the listener was added
        this.clientListener = member ? hazelcast.getClientService().addClientListener(new ClientListener() {
            @Override
            public void clientConnected(Client client) {
                memberSide.submitterBack(client.getUuid()); // a client keeps its id when it reconnects
            }

            @Override
            public void clientDisconnected(Client client) {
                memberSide.submitterGone(client.getUuid());
            }
        }) : null;
    }

    /**
     * The cluster view of a Hazelcast instance: a member (which then also runs tasks), a lite member or a
     * client. Returns the same object for the same instance until it is {@link #close() closed}.
     *
     * @param hazelcast a running instance, not null
     * @return the cluster view
     * @throws NullPointerException     if {@code hazelcast} is null
     * @throws IllegalArgumentException if {@code hazelcast} is no longer running (shut down or terminated)
     */
    public static ParallelizedCluster on(HazelcastInstance hazelcast) {
        Objects.requireNonNull(hazelcast, "hazelcast");
        if (!hazelcast.getLifecycleService().isRunning()) {
            // not its getName(): a client's throws once it is shut down
            throw new IllegalArgumentException("hazelcast: the instance is no longer running (shut down or terminated):"
                    + " a cluster view needs a running one");
        }
        synchronized (ParallelizedCluster.class) {
            Object existing = hazelcast.getUserContext().get(MemberSide.USER_CONTEXT_KEY);
            if (existing instanceof ParallelizedCluster cluster) {
                return cluster;
            }
            ParallelizedCluster cluster = new ParallelizedCluster(hazelcast);
            hazelcast.getUserContext().put(MemberSide.USER_CONTEXT_KEY, cluster);
            return cluster;
        }
    }

    /**
     * Registers a function under a name, versioned by a hash of the class that defines it. Call it on every
     * member (and on the submitter, so that the version is checked) with the same code.
     *
     * <p>The types come from the function: a method reference ({@code Thumbnails::render}) or a lambda with a
     * typed parameter ({@code (Integer x) -> x * 2}) needs nothing more; for a lambda whose body needs them,
     * name them: {@code cluster.<Integer, Integer>register("double", x -> x * 2)}.
     *
     * @param name     1 to 200 characters, not blank
     * @param function the function, thread-safe, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return this cluster view
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the name is blank or too long
     * @throws IllegalStateException    if the name is already registered, or this view is {@link #close() closed}
     */
    public <I, R> ParallelizedCluster register(String name, TaskFunction<I, R> function) {
        Objects.requireNonNull(function, "function");
        return register(name, CodeVersion.of(function), function);
    }

    /**
     * Registers a function under a name with an explicit version, for instance the application's build
     * version; a submitter whose version differs gets a failure per input.
     *
     * @param name     1 to 200 characters, not blank
     * @param version  not blank
     * @param function the function, thread-safe, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return this cluster view
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the name or version is blank or the name too long
     * @throws IllegalStateException    if the name is already registered, or this view is {@link #close() closed}
     *                                  (its member would never run the function: get a new view with {@link #on})
     */
    public <I, R> ParallelizedCluster register(String name, String version, TaskFunction<I, R> function) {
        Objects.requireNonNull(name, "name"); // the arguments first: a null says which, closed or not
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(function, "function");
        if (control.isShutdown()) {
            throw new IllegalStateException("This ParallelizedCluster is closed, so its member would never run '"
                    + name + "'; register it on a new one: ParallelizedCluster.on(hazelcastInstance)");
        }
        registry.register(name, version, function);
        return this;
    }

    /**
     * Removes a registered function; tasks of that name arriving later fail as unknown.
     *
     * @param name the name
     * @return true if it was registered
     */
    public boolean unregister(String name) {
        return registry.unregister(name);
    }

    /**
     * Begins to describe a cluster run of the function registered as {@code name} over the inputs of an
     * {@link Iterable}. The builder is the core's, so every option keeps its meaning; it comes preset with
     * {@code numThreads} = three batches in flight per member thread once the members have measured the function's
     * tasks, 32 tasks per member thread before (see the class comment), and {@code desc} = the name. The run is an
     * {@linkplain Parallelized#ofAsync asynchronous} one: its tasks in flight hold no thread on the submitter while
     * they wait for their members (a loop per processor sends them).
     *
     * @param name  the registered name, not null
     * @param tasks the inputs, not null; read lazily on this submitter
     * @param <I>   the input type
     * @param <R>   the result type
     * @return the builder
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> of(String name, Iterable<? extends I> tasks) {
        ClusterRun run = newRun(name);
        return preset(run, Parallelized.ofAsync(new RemoteTask<I, R>(this, run), tasks));
    }

    /**
     * As {@link #of(String, Iterable)}, for the inputs of an {@link Iterator}.
     *
     * @param name  the registered name, not null
     * @param tasks the inputs, not null
     * @param <I>   the input type
     * @param <R>   the result type
     * @return the builder
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> of(String name, Iterator<? extends I> tasks) {
        ClusterRun run = newRun(name);
        return preset(run, Parallelized.ofAsync(new RemoteTask<I, R>(this, run), tasks));
    }

    /**
     * As {@link #of(String, Iterable)}, for the elements of a {@link Stream}.
     *
     * @param name  the registered name, not null
     * @param tasks the inputs, not null
     * @param <I>   the input type
     * @param <R>   the result type
     * @return the builder
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> of(String name, Stream<? extends I> tasks) {
        ClusterRun run = newRun(name);
        return preset(run, Parallelized.ofAsync(new RemoteTask<I, R>(this, run), tasks));
    }

    /**
     * What the cluster did for a run started from this view: tasks sent, resubmitted, completed per member.
     * Kept for the last 256 runs.
     *
     * @param run a run started from a builder of this view, not null
     * @return its figures, or empty if the run is not a cluster run of this view (or too old)
     */
    public Optional<ClusterRunStats> stats(Parallelized<?, ?> run) {
        Objects.requireNonNull(run, "run");
        ClusterRun clusterRun;
        synchronized (runs) {
            clusterRun = runs.get(run.id());
        }
        return Optional.ofNullable(clusterRun).map(r -> r.stats(run.id()));
    }

    /**
     * A checkpoint store on the cluster's map {@link #CHECKPOINT_MAP}: a run of this cluster (or a local one) named
     * with {@code builder.checkpoint(cluster.checkpointStore(), "nightly", Item::id)} records its outcomes there,
     * so that any member, or a second submitter, resumes it after its submitter died. Lookups are one
     * {@code getAll} per batch, records one entry processor per outcome sent at once; its entries are as durable
     * as the map (one synchronous backup by default). The store's classes must be on every member's class path,
     * as this module is. Thread-safe.
     *
     * @return the store; cheap, each call a new view on the same map
     */
    public CheckpointStore checkpointStore() {
        return new MapCheckpointStore(hazelcast.getMap(CHECKPOINT_MAP));
    }

    // ---- Named runs: a run that outlives its submitter (takeover). Additive; NamedRuns and RunRecord do the work. ----

    /**
     * Begins to describe a <b>named run</b>: a cluster run of the function registered as {@code function}, recorded in
     * the cluster under {@code runName} so that it outlives its submitter. It is {@link #of(String, Iterable)} plus:
     * <ul>
     * <li>a checkpoint in {@link #checkpointStore()} under {@code runName} with {@code key}: inputs whose key has a
     *     recorded success are skipped ({@link io.github.parallelized.Summary#skipped()}), every outcome is recorded;
     * <li>a record in the map {@value #RUNS_MAP}: the function, this submitter, when it was claimed, its state
     *     ({@link NamedRun}), and a heartbeat this submitter renews while the run goes on (every quarter of the
     *     {@linkplain #runLease(Duration) lease}); at the run's end its state becomes {@link NamedRun.State#FINISHED}
     *     (every input became an outcome) or {@link NamedRun.State#STOPPED} (cancel, {@code break}, failure policy);
     * <li>a lease: this call claims the name, and refuses with a {@link RunInProgressException} naming the run and
     *     its submitter while another live submitter runs it. Two submitters never run one named run at once.
     * </ul>
     * When this submitter dies (a member that leaves the cluster at once; a client when its heartbeat is older than
     * the lease), the run is {@link NamedRun.State#ORPHANED}: {@link #orphanedRuns()} lists it anywhere in the cluster,
     * and {@link #resume(String, Iterable, Function)} (or this method again) on any member or client takes it over.
     * What succeeded is skipped; the inputs in flight at the death, and the outcomes not yet recorded (at most the
     * run's {@code maxInFlight} plus 1,000), run once more: tasks must be idempotent.
     *
     * <p>Calling this again for a run that stopped, finished or was orphaned resumes it (the same function only). Start
     * the builder at once: the claim lasts one lease until the run starts and beats. The builder comes preset as by
     * {@link #of(String, Iterable)}, with {@code desc} = {@code runName}.
     *
     * @param runName  the run's name in the cluster and its checkpoint's, 1 to 200 characters, not blank
     * @param function the registered name of the function, not null
     * @param tasks    the inputs, not null; read lazily on this submitter
     * @param key      the key of an input, unique per input of the run (for instance its id), cheap and pure, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return the builder, with this submitter holding the run's name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code runName} or {@code function} is blank or too long, or the run
     *                                  exists with another function
     * @throws RunInProgressException   if another submitter runs it now
     * @throws IllegalStateException    if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> resumable(String runName, String function, Iterable<? extends I> tasks,
                                                       Function<? super I, String> key) {
        checkFunction(function);
        Objects.requireNonNull(tasks, "tasks");
        return named(runName, function, key, f -> of(f, tasks));
    }

    /**
     * As {@link #resumable(String, String, Iterable, Function)}, for the elements of a {@link Stream}.
     *
     * @param runName  the run's name in the cluster and its checkpoint's, 1 to 200 characters, not blank
     * @param function the registered name of the function, not null
     * @param tasks    the inputs, not null
     * @param key      the key of an input, unique per input of the run, not null
     * @param <I>      the input type
     * @param <R>      the result type
     * @return the builder, with this submitter holding the run's name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code runName} or {@code function} is blank or too long, or the run
     *                                  exists with another function
     * @throws RunInProgressException   if another submitter runs it now
     * @throws IllegalStateException    if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> resumable(String runName, String function, Stream<? extends I> tasks,
                                                       Function<? super I, String> key) {
        checkFunction(function);
        Objects.requireNonNull(tasks, "tasks");
        return named(runName, function, key, f -> of(f, tasks));
    }

    /**
     * Takes over a named run that is not running (orphaned by a submitter that died, stopped, or finished), on this
     * member or client: the same as {@link #resumable(String, String, Iterable, Function)} with the function the run
     * was started with. Give the same inputs again (or a superset: what succeeded is skipped) and the same key
     * function. When several members race for an orphaned run, one wins and the others get a
     * {@link RunInProgressException}.
     *
     * @param runName the run's name, not null
     * @param tasks   the inputs, not null; read lazily on this submitter
     * @param key     the key of an input, the same as the run's first submitter used, not null
     * @param <I>     the input type
     * @param <R>     the result type
     * @return the builder, with this submitter holding the run's name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code runName} is blank or too long, or no run of that name is recorded
     * @throws RunInProgressException   if another submitter runs it now
     * @throws IllegalStateException    if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> resume(String runName, Iterable<? extends I> tasks,
                                                    Function<? super I, String> key) {
        Objects.requireNonNull(tasks, "tasks");
        return named(runName, null, key, f -> of(f, tasks));
    }

    /**
     * As {@link #resume(String, Iterable, Function)}, for the elements of a {@link Stream}.
     *
     * @param runName the run's name, not null
     * @param tasks   the inputs, not null
     * @param key     the key of an input, not null
     * @param <I>     the input type
     * @param <R>     the result type
     * @return the builder, with this submitter holding the run's name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code runName} is blank or too long, or no run of that name is recorded
     * @throws RunInProgressException   if another submitter runs it now
     * @throws IllegalStateException    if the cluster has no data member, or this view is closed
     */
    public <I, R> Parallelized.Builder<I, R> resume(String runName, Stream<? extends I> tasks,
                                                    Function<? super I, String> key) {
        Objects.requireNonNull(tasks, "tasks");
        return named(runName, null, key, f -> of(f, tasks));
    }

    /**
     * The named runs recorded in the cluster, by name, each with its state judged now: running, orphaned, stopped or
     * finished. A record stays until {@link #forget(String) forgotten}.
     *
     * @return the runs, never null
     * @throws IllegalStateException if this view is closed
     */
    public List<NamedRun> namedRuns() {
        return named().list();
    }

    /**
     * The named runs whose submitter died before their end ({@link NamedRun.State#ORPHANED}): what a member that
     * takes runs over automatically resumes, for instance after a membership event or on a timer.
     *
     * @return the orphaned runs, by name, never null
     * @throws IllegalStateException if this view is closed
     */
    public List<NamedRun> orphanedRuns() {
        return named().list().stream().filter(r -> r.state() == NamedRun.State.ORPHANED).toList();
    }

    /**
     * One named run, with its state judged now.
     *
     * @param runName the run's name, not null
     * @return the run, or empty if none is recorded under that name
     * @throws NullPointerException     if {@code runName} is null
     * @throws IllegalArgumentException if {@code runName} is blank or longer than 200 characters (no run has such a
     *                                  name)
     * @throws IllegalStateException    if this view is closed
     */
    public Optional<NamedRun> namedRun(String runName) {
        return named().get(checkRunName(runName));
    }

    /**
     * Forgets a named run that is not running: removes its record from {@value #RUNS_MAP} and
     * {@linkplain io.github.parallelized.CheckpointStore#clear(String) clears} its checkpoint, so that a run under
     * that name starts from scratch.
     *
     * @param runName the run's name, not null
     * @return true if a run of that name was recorded
     * @throws NullPointerException     if {@code runName} is null
     * @throws IllegalArgumentException if {@code runName} is blank or longer than 200 characters (no run has such a
     *                                  name)
     * @throws RunInProgressException   if a submitter runs it now
     * @throws IllegalStateException    if this view is closed
     */
    public boolean forget(String runName) {
        checkRunName(runName);
        boolean known = named().forget(runName);
        checkpointStore().clear(runName);
        return known;
    }

    /**
     * Sets the lease of the named runs this view claims from now on: how long their submitter (this one) may miss its
     * heartbeats before the run counts as orphaned and others may take it. It beats every quarter of it. A member's
     * runs are orphaned as soon as the member leaves the cluster anyway; the lease is what tells a client's death (or
     * a frozen submitter). Shorter takes over sooner; longer rides out longer pauses (a pause past the lease lets
     * another submitter take the run, and this one then cancels its run when it wakes). Default
     * {@link #DEFAULT_RUN_LEASE}.
     *
     * @param lease at least 1 second, at most {@code Long.MAX_VALUE} milliseconds (never orphaned, in practice),
     *              not null
     * @return this cluster view
     * @throws NullPointerException     if {@code lease} is null
     * @throws IllegalArgumentException if {@code lease} is below 1 second or above {@code Long.MAX_VALUE}
     *                                  milliseconds
     */
    public ParallelizedCluster runLease(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lease must be at least 1 s, was " + lease);
        }
        if (lease.compareTo(MAX_LEASE) > 0) {
            // the lease travels in milliseconds: past that, toMillis() threw ArithmeticException("long overflow")
            throw new IllegalArgumentException("lease must be at most " + MAX_LEASE
                    + " (Long.MAX_VALUE milliseconds, about 292 million years), was " + lease);
        }
        named().lease(lease);
        return this;
    }

    /** A named run's name: 1 to 200 characters, not blank (what the runs' map and a checkpoint can hold). */
    private static String checkRunName(String runName) {
        Objects.requireNonNull(runName, "runName");
        if (runName.isBlank() || runName.length() > 200) {
            throw new IllegalArgumentException("runName must be 1 to 200 characters and not blank, was '" + runName + "'");
        }
        return runName;
    }

    private <I, R> Parallelized.Builder<I, R> named(String runName, String function, Function<? super I, String> key,
                                                    Function<String, Parallelized.Builder<I, R>> builder) {
        checkRunName(runName);
        Objects.requireNonNull(key, "key");
        NamedRuns.Lease lease = named().claim(runName, function);
        try {
            return builder.apply(lease.function()).desc(runName).checkpoint(checkpointStore(), runName, key)
                    .listener(lease);
        } catch (RuntimeException e) {
            lease.end(RunRecord.STOPPED);
            throw e;
        }
    }

    private static void checkFunction(String function) {
        Objects.requireNonNull(function, "function");
        if (function.isBlank() || function.length() > 200) {
            throw new IllegalArgumentException("function must be 1 to 200 characters and not blank, was '" + function
                    + "'");
        }
    }

    private NamedRuns named() {
        synchronized (namedRunsLock) {
            if (control.isShutdown()) {
                throw new IllegalStateException("This ParallelizedCluster is closed; get a new one with ParallelizedCluster.on(...)");
            }
            if (namedRuns == null) {
                namedRuns = new NamedRuns(hazelcast);
            }
            return namedRuns;
        }
    }

    private void closeNamedRuns() {
        synchronized (namedRunsLock) {
            if (namedRuns != null) {
                namedRuns.close();
            }
        }
    }

    /**
     * The data members' executor threads: their pool sizes added up, each asked from the member (16, Hazelcast's
     * default, for one that does not answer in 5 s). A run's default tasks in flight are a multiple of it.
     *
     * @return at least 1
     * @throws IllegalStateException if the cluster has no data member
     */
    public int clusterThreads() {
        List<Member> members = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            if (!member.isLiteMember()) {
                members.add(member);
            }
        }
        if (members.isEmpty()) {
            throw new IllegalStateException("The Hazelcast cluster '" + hazelcast.getConfig().getClusterName()
                    + "' has no data member to run tasks on (lite members and clients do not run them)");
        }
        Map<Member, Future<Integer>> asked = new LinkedHashMap<>();
        for (Member member : members) {
            if (!loads.load(member).poolSizeKnown) {
                asked.put(member, controlExecutor.submitToMember(new PoolSizeQuery(), member));
            }
        }
        asked.forEach((member, answer) -> {
            try {
                loads.load(member).poolSize(answer.get(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Member {0} did not tell its ''{1}'' pool size ({2}); assuming {3}",
                        member.getAddress(), EXECUTOR,
                        e.toString(), MemberLoads.DEFAULT_POOL_SIZE);
            }
        });
        return members.stream().mapToInt(m -> loads.load(m).poolSize).sum();
    }

    /**
     * The data members now: the members that run tasks (lite members and clients do not).
     *
     * @return the count, 0 once this instance is shut down
     */
    public int dataMembers() {
        if (!running()) {
            return 0;
        }
        return (int) hazelcast.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).count();
    }

    /**
     * Tasks of all runs from this view that were sent again because their member was lost, since this view was
     * created.
     *
     * @return the count
     */
    public long resubmissions() {
        return resubmissions.sum();
    }

    /**
     * Detaches this view from its Hazelcast instance: removes its listeners, stops its control thread and
     * forgets the registered functions (tasks arriving later fail as unknown). A run of this view that goes on
     * ends: its inputs not yet sent to a member fail ("was not sent: the ParallelizedCluster was closed ..."), and
     * the answers already on their way are handed out. Does not shut Hazelcast down. Idempotent.
     */
    @Override
    public void close() {
        // this view's threads first: the instance may no longer be running, and then its calls below throw
        control.shutdownNow();
        sender.shutdownNow();
        answers.shutdown(); // the answers already in are handed out: their runs wait for them
        closeNamedRuns();
        if (running()) {
            try {
                synchronized (ParallelizedCluster.class) {
                    hazelcast.getUserContext().remove(MemberSide.USER_CONTEXT_KEY, this);
                }
                hazelcast.getCluster().removeMembershipListener(membershipListener);
                if (clientListener != null) {
                    hazelcast.getClientService().removeClientListener(clientListener);
                }
            } catch (HazelcastException e) {
                LOG.log(System.Logger.Level.DEBUG, "Listeners not removed: {0}", e.toString());
            }
        }
    }

    private ClusterRun newRun(String name) {
        TaskRegistry.checkName(name);
        if (control.isShutdown()) {
            throw new IllegalStateException("This ParallelizedCluster is closed; get a new one with ParallelizedCluster.on(...)");
        }
        TaskRegistry.Registered local = registry.get(name);
        return new ClusterRun(this, name, local == null ? "" : local.version());
    }

    private <I, R> Parallelized.Builder<I, R> preset(ClusterRun run, Parallelized.Builder<I, R> builder) {
        return builder.numThreads(Lanes.defaultInFlight(clusterThreads(), run.times)).desc(run.function)
                .threadNamePrefix("parallelized-cluster-").listener(run);
    }

    /**
     * A data member joined: once it has registered a function and told its pool size (asked from the control thread,
     * answered on a Hazelcast thread, which then only completes futures; asked again every 100 ms for up to a
     * minute), the tasks waiting in the lanes are spread again, so that it takes its share of them at once.
     */
    private void joined(Member member, int asked) {
        if (member.isLiteMember() || asked > JOIN_QUESTIONS) {
            return;
        }
        control(() -> {
            Future<Integer> answer = controlExecutor.submitToMember(PoolSizeQuery.ifReady(), member);
            if (answer instanceof CompletionStage<?> stage) {
                stage.whenCompleteAsync((size, error) -> {
                    if (size instanceof Integer told && told > 0) {
                        loads.load(member).poolSize(told);
                        lanes.rebalance();
                    } else if (error == null) {
                        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS, this::control)
                                .execute(() -> joined(member, asked + 1));
                    }
                }, Runnable::run);
            }
        });
    }

    /** Refreshes the postfix of the runs that are still going (a membership event, on Hazelcast's event thread). */
    private void runsChangedMembers() {
        List<ClusterRun> tracked;
        synchronized (runs) {
            tracked = new ArrayList<>(runs.values());
        }
        tracked.forEach(ClusterRun::membersChanged);
    }

    void countResubmission() {
        resubmissions.increment();
    }

    void track(String runId, ClusterRun run) {
        synchronized (runs) {
            runs.put(runId, run);
        }
    }

    /** One daemon thread of this view, which ends after 2 s without work. */
    private static ThreadPoolExecutor oneThread(String prefix, AtomicInteger count) {
        return threads(prefix, count, 1);
    }

    /** Up to {@code threads} daemon threads of this view, each of which ends after 2 s without work. */
    private static ThreadPoolExecutor threads(String prefix, AtomicInteger count, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 2, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Runs {@code action} on this view's sender thread (see {@link #sender}); false when this view is closed, and the
     * action will not run.
     */
    boolean onSender(Runnable action) {
        return runOn(sender, action, System.Logger.Level.WARNING);
    }

    /**
     * Runs {@code answer} (a batch's answer, handed out to its tasks' runs) on one of this view's answer threads, or on
     * the calling thread once this view is closed (its runs still wait for their outcomes).
     */
    void onAnswerThread(Runnable answer) {
        if (!runOn(answers, answer, System.Logger.Level.WARNING)) {
            answer.run();
        }
    }

    /** Runs {@code action} on this view's control thread: Hazelcast calls that must not be made elsewhere. */
    void control(Runnable action) {
        if (!runOn(control, action, System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "Cluster view closed; control action dropped");
        }
    }

    /** Runs {@code action} on {@code thread}, logging what it throws; false when the view is closed. */
    private static boolean runOn(ThreadPoolExecutor thread, Runnable action, System.Logger.Level failures) {
        try {
            thread.execute(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.log(failures, "Cluster action failed: {0}", e.toString());
                }
            });
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    boolean isMemberLoss(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MemberLeftException || t instanceof TargetNotMemberException
                    || t instanceof TargetDisconnectedException) {
                return true;
            }
            if (t instanceof HazelcastInstanceNotActiveException) {
                // the target is shutting down, unless it is this very instance
                return running();
            }
        }
        return false;
    }

    MemberSide memberSide() {
        return memberSide;
    }

    Lanes lanes() {
        return lanes;
    }

    MemberLoads loads() {
        return loads;
    }

    SerializationService serialization() {
        return serialization;
    }

    /**
     * Null while this view's Hazelcast instance runs; once it is shut down or terminated (a task can then be neither
     * serialized nor sent, and Hazelcast's own errors would blame the input or a member), the failure of a task of
     * {@code function} that says so.
     */
    ClusterTaskException notRunning(String function) {
        return notRunning(function, null);
    }

    /**
     * As {@link #notRunning(String)}, for a task that was sent to {@code sentTo} (null: never sent): its answer is
     * lost, and it may have run there.
     */
    ClusterTaskException notRunning(String function, Member sentTo) {
        // called where nothing may throw (a task's answer): only the lifecycle, which a stopped instance still answers
        if (running()) {
            return null;
        }
        String submitter = "the Hazelcast instance of this submitter (" + instanceName + ") is no longer running (shut"
                + " down or terminated)";
        return new ClusterTaskException(sentTo == null ? "Cluster task '" + function + "' cannot be sent: " + submitter
                : "Cluster task '" + function + "' was sent to member " + sentTo.getAddress() + ", but its answer is"
                + " lost: " + submitter + "; it may have run there", null);
    }

    /**
     * Whether this view's Hazelcast instance runs. Never throws (asked from a task's answer, where a throw would leave
     * the task's stage uncompleted): a stopped instance still answers its lifecycle (Hazelcast 5.7), though a client's
     * {@code getName()} throws {@code HazelcastClientNotActiveException} once terminated; caught all the same.
     */
    boolean running() {
        try {
            return hazelcast.getLifecycleService().isRunning();
        } catch (RuntimeException notActive) {
            return false;
        }
    }

    UUID localUuid() {
        return localUuid;
    }

    IExecutorService taskExecutor() {
        return taskExecutor;
    }

    IExecutorService controlExecutor() {
        return controlExecutor;
    }

    ExecutorService controlThreads() {
        return control;
    }
}
