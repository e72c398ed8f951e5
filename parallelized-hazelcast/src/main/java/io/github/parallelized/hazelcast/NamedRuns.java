package io.github.parallelized.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import io.github.parallelized.RunState;
import io.github.parallelized.Summary;

/**
 * The named runs of one cluster view: claims a run's name in {@link ParallelizedCluster#RUNS_MAP} (a lease, renewed by
 * a heartbeat while the run goes on, given back with its final state when it ends), lists the runs and forgets them.
 * The decisions are taken by the entry processors of {@link RunRecord} on the member that owns the name. The heartbeat
 * thread is one daemon thread per view, alive while a run of the view holds a lease. Thread-safe.
 */
final class NamedRuns {

    private static final System.Logger LOG = System.getLogger(NamedRuns.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** How long a heartbeat or the lease's release waits for the cluster. */
    private static final long CALL_SECONDS = 10;

    private final HazelcastInstance hazelcast;
    private final IMap<String, RunRecord> map;
    private final UUID self;
    private final boolean member;
    private final String submitter;
    private volatile long leaseMillis = ParallelizedCluster.DEFAULT_RUN_LEASE.toMillis();
    private final Object lock = new Object();
    private ScheduledThreadPoolExecutor beats;
    private int active;
    private boolean closed;

    NamedRuns(HazelcastInstance hazelcast) {
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(ParallelizedCluster.RUNS_MAP);
        this.self = hazelcast.getLocalEndpoint().getUuid();
        this.member = hazelcast.getLocalEndpoint() instanceof Member;
        String where = member
                ? ((Member) hazelcast.getLocalEndpoint()).getAddress().getHost() + ":"
                + ((Member) hazelcast.getLocalEndpoint()).getAddress().getPort()
                : hazelcast.getName();
        this.submitter = (member ? "member " : "client ") + where + ", pid " + ProcessHandle.current().pid();
    }

    void lease(Duration lease) {
        leaseMillis = lease.toMillis();
    }

    /**
     * Claims {@code name} for a new lease; {@code function} null for a resume (the run must exist). Throws naming the
     * run when a live submitter holds it, it does not exist (resume), or it applies another function.
     */
    Lease claim(String name, String function) {
        UUID id = UUID.randomUUID();
        long lease = leaseMillis;
        RunRecord.Answer answer = map.executeOnKey(name,
                new RunRecord.Claim(function, id, self, member, submitter, lease, members()));
        if (answer.granted) {
            return new Lease(this, name, id, answer, lease);
        }
        if (answer.record == null) {
            throw new IllegalArgumentException("runName '" + name + "': no such named run in the cluster "
                    + "(ParallelizedCluster.namedRuns() lists them; start one with resumable(...))");
        }
        NamedRun holder = answer.record.view(name, answer.now, members());
        if (holder.state() == NamedRun.State.RUNNING) {
            throw new RunInProgressException("Run '" + name + "' is running on " + holder.submitter() + " (claimed "
                    + holder.started() + ", last heartbeat " + (answer.now - answer.record.updated)
                    + " ms ago): a named run runs on one submitter at a time; resume it once it has stopped or its "
                    + "submitter has left (ParallelizedCluster.orphanedRuns())", holder);
        }
        throw new IllegalArgumentException("function '" + function + "': run '" + name + "' applies '"
                + answer.record.function + "'; resume it with that function, or forget it first");
    }

    List<NamedRun> list() {
        Set<UUID> members = members();
        Map<String, RunRecord.Answer> all = map.executeOnEntries(new RunRecord.Describe());
        List<NamedRun> runs = new ArrayList<>(all.size());
        all.forEach((name, answer) -> {
            if (answer != null) {
                runs.add(answer.record.view(name, answer.now, members));
            }
        });
        runs.sort(Comparator.comparing(NamedRun::name));
        return runs;
    }

    Optional<NamedRun> get(String name) {
        RunRecord.Answer answer = map.executeOnKey(name, new RunRecord.Describe());
        return answer == null ? Optional.empty() : Optional.of(answer.record.view(name, answer.now, members()));
    }

    /** Removes the record; true if there was one; throws when a live submitter holds it. */
    boolean forget(String name) {
        RunRecord.Answer answer = map.executeOnKey(name, new RunRecord.Forget(members()));
        if (answer == null) {
            return false;
        }
        if (!answer.granted) {
            NamedRun holder = answer.record.view(name, answer.now, members());
            throw new RunInProgressException("Run '" + name + "' is running on " + holder.submitter()
                    + ": it cannot be forgotten while it runs", holder);
        }
        return true;
    }

    private Set<UUID> members() {
        Set<UUID> members = new HashSet<>();
        for (Member m : hazelcast.getCluster().getMembers()) {
            members.add(m.getUuid());
        }
        return members;
    }

    void close() {
        synchronized (lock) {
            closed = true;
            if (beats != null) {
                beats.shutdownNow();
                beats = null;
            }
        }
    }

    /** Starts beating for {@code lease}: the heartbeat thread runs while a lease is active. */
    private ScheduledFuture<?> beat(Lease lease) {
        long every = Math.max(50, lease.leaseMillis / 4);
        synchronized (lock) {
            if (closed) {
                return null;
            }
            if (beats == null) {
                beats = new ScheduledThreadPoolExecutor(1, runnable -> {
                    Thread thread = new Thread(runnable, "parallelized-cluster-heartbeat-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
                beats.setRemoveOnCancelPolicy(true);
            }
            active++;
            return beats.scheduleWithFixedDelay(lease::beat, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    private void stopBeating(ScheduledFuture<?> beating) {
        synchronized (lock) {
            beating.cancel(false);
            if (--active == 0 && beats != null) {
                beats.shutdown();
                beats = null;
            }
        }
    }

    /**
     * One claim of a named run, as a listener of the run it was claimed for: beats from the run's start, gives the
     * lease back with the run's final state at its end, and cancels the run if the lease was lost (another submitter
     * took the run over while this one did not beat: a long pause, a partition).
     */
    static final class Lease implements ProgressReporter {

        private final NamedRuns runs;
        private final String name;
        private final UUID id;
        private final RunRecord claimed;
        /** What the claim found: the run's state before it and its submitter then (nulls for a new run). */
        private final RunRecord.Answer claim;
        private final long leaseMillis;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Parallelized<?, ?> run;
        private volatile ScheduledFuture<?> beating;

        Lease(NamedRuns runs, String name, UUID id, RunRecord.Answer claim, long leaseMillis) {
            this.runs = runs;
            this.name = name;
            this.id = id;
            this.claim = claim;
            this.claimed = claim.record;
            this.leaseMillis = leaseMillis;
        }

        /** The function the run applies: the claimed record's (a resume's comes from the cluster). */
        String function() {
            return claimed.function;
        }

        @Override
        public void onStart(Parallelized<?, ?> started) {
            this.run = started;
            if (claim.before != null) {
                started.progress().write("Run '" + name + "' (" + claim.before.name().toLowerCase(Locale.ROOT)
                        + ", last run by " + claim.previousSubmitter + ") resumed by " + claimed.submitter
                        + ": inputs recorded as succeeded are skipped");
            }
            beating = runs.beat(this);
        }

        @Override
        public void onFinish(ProgressSnapshot snapshot, Summary summary) {
            end(summary.state() == RunState.COMPLETED ? RunRecord.FINISHED : RunRecord.STOPPED);
        }

        /** Gives the lease back, once: on the run's end, or when the builder failed after the claim. */
        void end(String state) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> b = beating;
            if (b != null) {
                runs.stopBeating(b);
            }
            try {
                runs.map.submitToKey(name, new RunRecord.Release(id, state)).toCompletableFuture()
                        .get(CALL_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.log(System.Logger.Level.WARNING, "Run ''{0}'': lease not given back (interrupted); it expires in {1} ms",
                        name, leaseMillis);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Run ''{0}'': lease not given back ({1}); it expires in {2} ms",
                        name, e.toString(), leaseMillis);
            }
        }

        void beat() {
            if (ended.get()) {
                return;
            }
            boolean ours;
            try {
                ours = runs.map.executeOnKey(name, new RunRecord.Beat(id));
            } catch (RuntimeException e) {
                // a partition migrating, the cluster unreachable, this instance shutting down: the next beat tries
                // again (a scheduled task that throws would never run again)
                LOG.log(System.Logger.Level.DEBUG, "Run ''{0}'': heartbeat failed ({1})", name, e.toString());
                return;
            }
            if (!ours && ended.compareAndSet(false, true)) {
                Parallelized<?, ?> started = run;
                LOG.log(System.Logger.Level.WARNING, "Run ''{0}'' was taken over by another submitter: cancelled here",
                        name);
                if (started != null) {
                    started.progress().write("Run '" + name + "' was taken over by another submitter (this one "
                            + "missed its heartbeats for " + leaseMillis + " ms): cancelled here");
                    started.cancel();
                }
                ScheduledFuture<?> b = beating;
                if (b != null) {
                    runs.stopBeating(b);
                }
            }
        }
    }
}
