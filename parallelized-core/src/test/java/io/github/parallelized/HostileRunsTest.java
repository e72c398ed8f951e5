package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The library tried as a demanding user and a hostile caller would, second pass (after {@link HostileCallersTest}):
 * each test here failed (or hung) before the fix it names.
 */
class HostileRunsTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private static List<Integer> inputs(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    /**
     * A combined limit refused by a full part takes nothing from the other parts: before, it took a permit of the
     * run's limit, gave it back (a release) and so woke that limit's waiters, who did the same in turn.
     */
    @Test
    void aCombinedLimitRefusedByAFullPartTakesAndReleasesNothingOfTheOthers() {
        TaskLimit shared = TaskLimit.concurrency(3);
        TaskLimit key = TaskLimit.concurrency(1);
        TaskLimit both = shared.and(key);
        assertThat(both.tryAcquire(0)).isZero(); // the key's one permit is held now
        long seen = shared.releases();
        AtomicInteger woken = new AtomicInteger();
        assertThat(shared.onRelease(seen, woken::incrementAndGet)).isTrue(); // another key's input waits on shared
        for (int i = 0; i < 10; i++) {
            assertThat(both.tryAcquire(0)).as("refused: the key is full").isEqualTo(TaskLimit.ON_RELEASE);
        }
        assertThat(shared.releases()).as("releases of the run's limit").isEqualTo(seen);
        assertThat(woken).as("wake-ups of the run's limit's waiters").hasValue(0);
        assertThat(shared.inUse()).isEqualTo(1);
        both.release();
        assertThat(shared.inUse()).isZero();
        assertThat(woken).hasValue(1);
    }

    /**
     * The run-level symptom: a run's {@code limit(concurrency(3))} with {@code limitPerKey(concurrency(1))} over 5 keys
     * made millions of releases of the run's limit for 3,000 inputs on many threads (each refusal by a key took a
     * permit of the run's limit and gave it back, waking the others), and on virtual threads stalled for tens of
     * seconds. Now a release is a task's end or, rarely, a race lost between two parts.
     */
    @Test
    void aRunLimitWithAPerKeyLimitReleasesAboutOncePerTaskNotMillionsOfTimes() {
        TaskLimit shared = TaskLimit.concurrency(3);
        List<Integer> in = inputs(3_000);
        Parallelized.Builder<Integer, Integer> builder = Parallelized.of((Integer i) -> {
            if (i % 7 == 0) {
                Thread.sleep(1);
            }
            return i;
        }, in).numThreads(VirtualThreads.available() ? 1_000 : 200).limit(shared)
                .limitPerKey(i -> i % 5, TaskLimit.concurrency(1)).progress(ProgressReporter.none());
        if (VirtualThreads.available()) {
            builder.virtualThreads();
        }
        long before = shared.releases();
        long outcomes = assertTimeoutPreemptively(BOUND, () -> {
            try (Parallelized<Integer, Integer> run = builder.start()) {
                return run.stream().filter(Outcome::isSuccess).count();
            }
        });
        assertThat(outcomes).isEqualTo(3_000);
        assertThat(shared.inUse()).isZero();
        assertThat(shared.releases() - before).as("releases of the run's limit for 3,000 tasks")
                .isLessThan(3 * 3_000L);
    }
}
