package io.github.parallelized;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CheckpointStore#inMemory()}: a map per run name of immutable entries, each replaced by compute(). */
final class InMemoryCheckpointStore implements CheckpointStore {

    private final Map<String, Map<String, State>> runs = new ConcurrentHashMap<>();

    /** One key's record. */
    private record State(boolean succeeded, int attempts, String errorType, String message) {

        State with(Entry entry) {
            int total = (int) Math.min(Integer.MAX_VALUE, (long) attempts + entry.attempts());
            if (succeeded || entry.succeeded()) {
                return new State(true, total, errorType, message);
            }
            return new State(false, total, entry.errorType(), entry.message());
        }
    }

    private static final State NONE = new State(false, 0, null, null);

    private Map<String, State> run(String runName) {
        return runs.getOrDefault(Objects.requireNonNull(runName, "runName"), Map.of());
    }

    @Override
    public long succeeded(String runName) {
        return run(runName).values().stream().filter(State::succeeded).count();
    }

    @Override
    public long failedCount(String runName) {
        return run(runName).values().stream().filter(s -> !s.succeeded()).count();
    }

    @Override
    public List<Failure> failed(String runName, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0, was " + max);
        }
        return run(runName).entrySet().stream()
                .filter(e -> !e.getValue().succeeded())
                .sorted(Map.Entry.comparingByKey())
                .limit(max)
                .map(e -> new Failure(e.getKey(), e.getValue().errorType(), e.getValue().message(),
                        e.getValue().attempts()))
                .toList();
    }

    @Override
    public void clear(String runName) {
        runs.remove(Objects.requireNonNull(runName, "runName"));
    }

    @Override
    public List<String> runNames() {
        return runs.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                .sorted(Comparator.naturalOrder()).toList();
    }

    @Override
    public Set<String> succeededAmong(String runName, Collection<String> keys) {
        Map<String, State> run = run(runName);
        Set<String> found = new HashSet<>();
        for (String key : keys) {
            State state = run.get(key);
            if (state != null && state.succeeded()) {
                found.add(key);
            }
        }
        return found;
    }

    @Override
    public void record(String runName, List<Entry> entries) {
        Map<String, State> run = runs.computeIfAbsent(Objects.requireNonNull(runName, "runName"),
                name -> new ConcurrentHashMap<>());
        for (Entry entry : entries) {
            run.compute(entry.key(), (key, state) -> (state == null ? NONE : state).with(entry));
        }
    }

    @Override
    public String toString() {
        return "CheckpointStore.inMemory()";
    }
}
