package io.github.parallelized.spring;

import io.github.parallelized.Parallelized;
import io.github.parallelized.ProgressReporter;
import io.github.parallelized.ProgressSnapshot;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** TEMPORARY stand-in for the starter's run registry. Deleted when the starter is merged. */
final class TemporaryRunRegistry implements ProgressReporter {

    private final Map<String, Parallelized<?, ?>> runs = new ConcurrentHashMap<>();

    @Override
    public void onStart(Parallelized<?, ?> run) {
        runs.put(run.id(), run);
    }

    List<Map<String, Object>> all() {
        return runs.values().stream().map(r -> describe(r.progress().snapshot())).toList();
    }

    Optional<Parallelized<?, ?>> find(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    static Map<String, Object> describe(ProgressSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("desc", s.description());
        m.put("state", s.state().name());
        m.put("total", s.total());
        m.put("pending", s.pending());
        m.put("running", s.running());
        m.put("succeeded", s.succeeded());
        m.put("failed", s.failed());
        m.put("cancelled", s.cancelled());
        m.put("completed", s.completed());
        m.put("fraction", s.fraction().orElse(null));
        m.put("ratePerSecond", s.ratePerSecond());
        m.put("elapsedSeconds", s.elapsed().toMillis() / 1000.0);
        m.put("etaSeconds", s.eta().map(Duration::toMillis).map(ms -> ms / 1000.0).orElse(null));
        m.put("postfix", s.postfix());
        m.put("startTime", s.startedAt().toString());
        return m;
    }
}
