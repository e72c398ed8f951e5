package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The registry of an asynchronous run's attempts not ended, which a stop reads to end them all. */
class AsyncAttemptsTest {

    private static AsyncAttempt<Integer, Integer> attempt(long seq) {
        return new AsyncAttempt<>((int) seq, seq, 0);
    }

    @Test
    void aStopSeesEveryAttemptRegisteredAndNotRemovedInEveryStripe() {
        AsyncAttempts<Integer, Integer> attempts = new AsyncAttempts<>();
        List<AsyncAttempt<Integer, Integer>> all = new ArrayList<>();
        for (long seq = 0; seq < 100; seq++) {
            AsyncAttempt<Integer, Integer> attempt = attempt(seq);
            all.add(attempt);
            attempts.add(attempt);
        }
        for (int i = 0; i < 100; i += 3) {
            attempts.remove(all.get(i)); // the first, the last and middles of the stripes' lists
        }
        List<AsyncAttempt<Integer, Integer>> left = new ArrayList<>(all);
        left.removeIf(attempt -> attempt.seq % 3 == 0);
        assertThat(attempts.snapshot()).containsExactlyInAnyOrderElementsOf(left);
    }

    @Test
    void removingAnAttemptNotRegisteredOrTwiceAndRegisteringTwiceChangeNothing() {
        AsyncAttempts<Integer, Integer> attempts = new AsyncAttempts<>();
        AsyncAttempt<Integer, Integer> a = attempt(1);
        AsyncAttempt<Integer, Integer> b = attempt(17); // the same stripe
        attempts.remove(a);
        attempts.add(a);
        attempts.add(a);
        attempts.add(b);
        assertThat(attempts.snapshot()).containsExactlyInAnyOrder(a, b);
        attempts.remove(a);
        attempts.remove(a);
        assertThat(attempts.snapshot()).containsExactly(b);
        attempts.remove(b);
        assertThat(attempts.snapshot()).isEmpty();
    }

    @Test
    void threadsThatRegisterAndRemoveAtOnceLeaveExactlyTheAttemptsNotRemoved() throws Exception {
        AsyncAttempts<Integer, Integer> attempts = new AsyncAttempts<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<AsyncAttempt<Integer, Integer>>>> kept = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long first = t * 10_000L;
                kept.add(threads.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    List<AsyncAttempt<Integer, Integer>> mine = new ArrayList<>();
                    for (long seq = first; seq < first + 10_000; seq++) {
                        AsyncAttempt<Integer, Integer> attempt = attempt(seq);
                        attempts.add(attempt);
                        if (seq % 2 == 0) {
                            attempts.remove(attempt);
                        } else {
                            mine.add(attempt);
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<AsyncAttempt<Integer, Integer>> expected = new ArrayList<>();
            for (Future<List<AsyncAttempt<Integer, Integer>>> future : kept) {
                expected.addAll(future.get(30, TimeUnit.SECONDS));
            }
            assertThat(attempts.snapshot()).hasSize(20_000).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            threads.shutdownNow();
        }
    }
}
