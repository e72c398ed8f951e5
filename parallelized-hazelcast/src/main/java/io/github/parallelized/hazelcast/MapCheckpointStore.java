package io.github.parallelized.hazelcast;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.hazelcast.aggregation.Aggregators;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;

import io.github.parallelized.CheckpointStore;

/**
 * A {@link CheckpointStore} on one Hazelcast {@link IMap} ({@link ParallelizedCluster#CHECKPOINT_MAP}), so that any
 * member, or a second submitter, resumes a run whose submitter died. The map's key is (run name, input key), its
 * value (succeeded, attempts, last error); a batch of outcomes is one entry processor per key, sent at once and
 * waited for together (a success is final, a failure adds its attempts), a lookup one {@code getAll}; counts are
 * aggregations on the members. Its entries are as durable as the map: configure backups for it (one synchronous
 * backup by default: a member's death loses nothing; the whole cluster's loses everything). Thread-safe.
 */
final class MapCheckpointStore implements CheckpointStore {

    /** How long a batch waits for the members before it fails, so that a partitioned cluster fails the run. */
    static final long TIMEOUT_SECONDS = 30;

    private final IMap<Key, State> map;

    MapCheckpointStore(IMap<Key, State> map) {
        this.map = map;
    }

    /** The map's key: a run's name and an input's key. Queried as {@code __key.run}. */
    static final class Key implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String run;
        private final String key;

        Key(String run, String key) {
            this.run = run;
            this.key = key;
        }

        public String getRun() {
            return run;
        }

        public String getKey() {
            return key;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.run.equals(run) && k.key.equals(key);
        }

        @Override
        public int hashCode() {
            return run.hashCode() * 31 + key.hashCode();
        }
    }

    /** The map's value: one key's record. Queried as {@code succeeded}. */
    static final class State implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private final boolean succeeded;
        private final int attempts;
        private final String errorType;
        private final String message;

        State(boolean succeeded, int attempts, String errorType, String message) {
            this.succeeded = succeeded;
            this.attempts = attempts;
            this.errorType = errorType;
            this.message = message;
        }

        public boolean isSucceeded() {
            return succeeded;
        }

        /** The state after {@code outcome} (one outcome's own state): a success is final, attempts add up. */
        State merge(State outcome) {
            int total = (int) Math.min(Integer.MAX_VALUE, (long) attempts + outcome.attempts);
            if (succeeded || outcome.succeeded) {
                return new State(true, total, errorType, message);
            }
            return new State(false, total, outcome.errorType, outcome.message);
        }
    }

    /** Applies one outcome on the member that owns the key: the outcome travels as a state of its own. */
    static final class Apply implements EntryProcessor<Key, State, Void> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final State outcome;

        Apply(Entry entry) {
            this.outcome = new State(entry.succeeded(), entry.attempts(), entry.errorType(), entry.message());
        }

        @Override
        public Void process(Map.Entry<Key, State> entry) {
            State before = entry.getValue();
            entry.setValue(before == null ? outcome : before.merge(outcome));
            return null;
        }
    }

    private static Predicate<Key, State> run(String runName) {
        return Predicates.equal("__key.run", Objects.requireNonNull(runName, "runName"));
    }

    @Override
    public long succeeded(String runName) {
        return map.aggregate(Aggregators.count(), Predicates.and(run(runName), Predicates.equal("succeeded", true)));
    }

    @Override
    public long failedCount(String runName) {
        return map.aggregate(Aggregators.count(), Predicates.and(run(runName), Predicates.equal("succeeded", false)));
    }

    @Override
    public List<Failure> failed(String runName, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        if (max == 0) {
            return List.of();
        }
        return map.entrySet(Predicates.and(run(runName), Predicates.equal("succeeded", false))).stream()
                .sorted(Comparator.comparing(e -> e.getKey().key))
                .limit(max)
                .map(e -> new Failure(e.getKey().key, e.getValue().errorType, e.getValue().message,
                        e.getValue().attempts))
                .toList();
    }

    @Override
    public void clear(String runName) {
        map.removeAll(run(runName));
    }

    @Override
    public List<String> runNames() {
        Collection<String> names = map.project(Projections.singleAttribute("__key.run"));
        return List.copyOf(new TreeSet<>(names));
    }

    @Override
    public Set<String> succeededAmong(String runName, Collection<String> keys) {
        Set<Key> wanted = new LinkedHashSet<>(keys.size() * 2);
        for (String key : keys) {
            wanted.add(new Key(runName, key));
        }
        Set<String> found = new HashSet<>();
        map.getAll(wanted).forEach((key, state) -> {
            if (state.succeeded) {
                found.add(key.key);
            }
        });
        return found;
    }

    /**
     * Sends the batch at once and waits for each write on its own future ({@code get} with what is left of the bound),
     * never through {@code allOf} or another dependent stage: those complete on Hazelcast's async executor, whose
     * threads may be the very ones that deliver the run's outcomes and wait, in the run's recorder, for this write
     * (measured: a lite-member submitter then stalled until the 30 s bound).
     */
    @Override
    public void record(String runName, List<Entry> entries) {
        List<CompletableFuture<Void>> writes = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            CompletionStage<Void> write = map.submitToKey(new Key(runName, entry.key()), new Apply(entry));
            writes.add(write.toCompletableFuture());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try {
            for (CompletableFuture<Void> write : writes) {
                write.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording outcomes of run '" + runName + "'", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the map " + map.getName() + " refused outcomes of run '" + runName
                    + "': " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the map " + map.getName() + " did not record outcomes of run '"
                    + runName + "' within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    @Override
    public String toString() {
        return "ParallelizedCluster.checkpointStore(IMap " + map.getName() + ")";
    }
}
