package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The limits on their own, with a fake clock: what the engine asks before each attempt. */
class TaskLimitTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Starts as many as the limit allows at each tick of 1 ms for {@code ticks} ticks; returns the start times. */
    private static List<Long> startGreedily(TaskLimit limit, long from, int ticks) {
        List<Long> starts = new ArrayList<>();
        for (long now = from; now < from + ticks * MS; now += MS) {
            while (limit.tryAcquire(now) == 0) {
                starts.add(now);
            }
        }
        return starts;
    }

    /** At most {@code permits} starts in every window of {@code per}, sliding over every start. */
    private static void assertEveryWindowHoldsAtMost(List<Long> starts, int permits, long per) {
        List<Long> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        for (int i = permits; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - permits))
                    .as("start %d and the one %d before it are a whole window apart", i, permits)
                    .isGreaterThanOrEqualTo(per);
        }
    }

    @Test
    void aRateOf20PerSecondHoldsInEveryWindowOfOneSecond() {
        TaskLimit limit = TaskLimit.rate(20, Duration.ofSeconds(1));
        List<Long> starts = startGreedily(limit, 0, 5_000);
        assertThat(starts).hasSize(100);
        assertEveryWindowHoldsAtMost(starts, 20, SECOND);
    }

    @Test
    void aFullBucketAtTheEndOfOnePeriodIsNotFollowedByAnotherAtTheStartOfTheNext() {
        TaskLimit limit = TaskLimit.rate(20, Duration.ofSeconds(1));
        // quiet until 0.9 s, then 20 starts at once
        for (int i = 0; i < 20; i++) {
            assertThat(limit.tryAcquire(900 * MS)).isZero();
        }
        // at 1.1 s a token bucket refilled at 1.0 s would allow 20 more: 40 in 0.2 s
        long wait = limit.tryAcquire(1100 * MS);
        assertThat(wait).isEqualTo(800 * MS);
        assertThat(limit.tryAcquire(1899 * MS)).isEqualTo(MS);
        assertThat(limit.tryAcquire(1900 * MS)).isZero();
        assertThat(limit.recentStarts(1900 * MS)).isEqualTo(1);
        assertThat(limit.recentStarts(1899 * MS)).isEqualTo(20);
    }

    @Test
    void twoUsersOfOneLimitShareIt() {
        TaskLimit shared = TaskLimit.rate(20, Duration.ofSeconds(1));
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        for (long now = 0; now < 3 * SECOND; now += MS) {
            // the two take turns at each tick, the way two runs would
            if (shared.tryAcquire(now) == 0) {
                first.add(now);
            }
            if (shared.tryAcquire(now) == 0) {
                second.add(now);
            }
        }
        assertThat(first).isNotEmpty();
        assertThat(second).isNotEmpty();
        List<Long> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).hasSize(60);
        assertEveryWindowHoldsAtMost(all, 20, SECOND);
    }

    @Test
    void aRateIsHeldUnderContentionFromManyThreads() throws Exception {
        TaskLimit limit = TaskLimit.rate(50, Duration.ofSeconds(1));
        AtomicLong clock = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(threads.submit(() -> {
                    go.await(5, TimeUnit.SECONDS);
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        long now = clock.addAndGet(MS / 10);
                        if (limit.tryAcquire(now) == 0) {
                            mine.add(now);
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }
            // 8 s of fake time: at most 8 full windows' worth (plus the first); the times each thread read can be
            // stale by the time it takes the lock (then its start is recorded at the newest one), so they are not
            // checked window by window here: the single-threaded tests do that
            assertThat(all.size()).isBetween(50, 9 * 50);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void concurrencyCountsThePermitsHeld() {
        TaskLimit limit = TaskLimit.concurrency(2);
        assertThat(limit.tryAcquire(0)).isZero();
        assertThat(limit.tryAcquire(0)).isZero();
        assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        assertThat(limit.inUse()).isEqualTo(2);
        limit.release();
        assertThat(limit.inUse()).isEqualTo(1);
        assertThat(limit.tryAcquire(0)).isZero();
        assertThat(limit.maxConcurrency()).isEqualTo(2);
    }

    @Test
    void aReleaseWakesTheWaitersAndNoneIsLostBetweenTheRefusalAndTheRegistration() {
        TaskLimit limit = TaskLimit.concurrency(1);
        assertThat(limit.tryAcquire(0)).isZero();
        long seen = limit.releases();
        assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        assertThat(limit.freePermits()).isZero();
        AtomicInteger woken = new AtomicInteger();
        assertThat(limit.onRelease(seen, woken::incrementAndGet)).isTrue();
        assertThat(woken).hasValue(0);
        limit.release();
        assertThat(woken).hasValue(1);
        assertThat(limit.freePermits()).isEqualTo(1);
        limit.tryAcquire(0);
        limit.release(); // one-shot
        assertThat(woken).hasValue(1);

        // the release comes between the refusal and the registration: not registered, the caller tries again
        TaskLimit other = TaskLimit.concurrency(1);
        other.tryAcquire(0);
        long before = other.releases();
        assertThat(other.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        other.release();
        AtomicInteger late = new AtomicInteger();
        assertThat(other.onRelease(before, late::incrementAndGet)).isFalse();
        other.tryAcquire(0);
        other.release();
        assertThat(late).as("not left registered").hasValue(0);
        assertThat(TaskLimit.rate(1, Duration.ofSeconds(1)).onRelease(0, late::incrementAndGet))
                .as("a rate never releases").isFalse();
        assertThat(TaskLimit.rate(1, Duration.ofSeconds(1)).freePermits()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void andTakesBothOrNeitherAndGivesBackWhatItTook() {
        TaskLimit slots = TaskLimit.concurrency(5);
        TaskLimit rate = TaskLimit.rate(2, Duration.ofSeconds(1));
        TaskLimit both = slots.and(rate);
        assertThat(both.tryAcquire(0)).isZero();
        assertThat(both.tryAcquire(0)).isZero();
        assertThat(slots.inUse()).isEqualTo(2);
        // the rate refuses: the concurrency permit taken on the way is given back
        assertThat(both.tryAcquire(10 * MS)).isEqualTo(990 * MS);
        assertThat(slots.inUse()).isEqualTo(2);
        // the concurrency refuses: no start is recorded in the rate
        TaskLimit one = TaskLimit.concurrency(1);
        TaskLimit rate2 = TaskLimit.rate(1, Duration.ofSeconds(1));
        one.tryAcquire(0);
        assertThat(one.and(rate2).tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        assertThat(rate2.tryAcquire(0)).as("the rate's only permit is still there").isZero();
        // two concurrency parts: the first is given back when the second is full
        TaskLimit a = TaskLimit.concurrency(3);
        TaskLimit b = TaskLimit.concurrency(1);
        b.tryAcquire(0);
        assertThat(a.and(b).tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        assertThat(a.inUse()).isZero();
        a.and(b).release();
        assertThat(b.inUse()).isZero();
    }

    @Test
    void andSharesThePartsWithTheirOtherUsers() {
        TaskLimit host = TaskLimit.concurrency(2);
        TaskLimit runA = host.and(TaskLimit.rate(100, Duration.ofSeconds(1)));
        TaskLimit runB = host.and(TaskLimit.concurrency(10));
        assertThat(runA.tryAcquire(0)).isZero();
        assertThat(runB.tryAcquire(0)).isZero();
        assertThat(host.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        assertThat(host.and(host).toString()).isEqualTo("TaskLimit[concurrency 2]");
        assertThat(runA).hasToString("TaskLimit[concurrency 2 and rate 100 per 1.0 s]");
    }

    @Test
    void aCopyHasPermitsOfItsOwn() {
        TaskLimit template = TaskLimit.concurrency(1).and(TaskLimit.rate(1, Duration.ofSeconds(1)));
        TaskLimit x = template.copy();
        TaskLimit y = template.copy();
        assertThat(x.tryAcquire(0)).isZero();
        assertThat(y.tryAcquire(0)).isZero();
        assertThat(template.tryAcquire(0)).isZero();
        assertThat(x.idle(0)).isFalse();
        x.release();
        assertThat(x.idle(SECOND - 1)).as("its window still holds a start").isFalse();
        assertThat(x.idle(SECOND)).isTrue();
    }

    @Test
    void waitingIsCountedAsTheRunsReportIt() {
        TaskLimit limit = TaskLimit.concurrency(1).and(TaskLimit.rate(5, Duration.ofSeconds(1)));
        limit.waiting(1);
        limit.waiting(1);
        assertThat(limit.waiting()).isEqualTo(2);
        assertThat(limit.idle(0)).isFalse();
        limit.waiting(-2);
        assertThat(limit.waiting()).isZero();
        assertThat(limit.idle(0)).isTrue();
    }

    @Test
    void badValuesAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> TaskLimit.concurrency(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max must be at least 1, was 0");
        assertThatThrownBy(() -> TaskLimit.rate(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> TaskLimit.rate(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("per must be more than zero, was PT0S");
        assertThatThrownBy(() -> TaskLimit.rate(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("per must be more than zero");
        assertThatThrownBy(() -> TaskLimit.rate(1, null)).isInstanceOf(NullPointerException.class).hasMessage("per");
        assertThatThrownBy(() -> TaskLimit.rate(1, Duration.ofDays(365L * 300)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("per must be at most");
        assertThatThrownBy(() -> TaskLimit.concurrency(1).and(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("other");
    }
}
