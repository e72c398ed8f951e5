package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class ThrottledTest {

    @Test
    void timedItemsComeOutWhenTheirTimeHasCome() {
        Throttled<String> parked = new Throttled<>(() -> { });
        parked.parkUntil("late", 100);
        parked.parkUntil("early", 50);
        parked.parkUntil("early too", 50);
        assertThat(parked.poll(40)).isNull();
        assertThat(parked.nanosUntilNext(40)).isEqualTo(10);
        assertThat(parked.poll(60)).isEqualTo("early");
        assertThat(parked.poll(60)).isEqualTo("early too");
        assertThat(parked.poll(60)).isNull();
        assertThat(parked.size()).isEqualTo(1);
        assertThat(parked.poll(100)).isEqualTo("late");
        assertThat(parked.nanosUntilNext(100)).isEqualTo(Long.MAX_VALUE);
        assertThat(parked.size()).isZero();
    }

    @Test
    void aReleaseReadiesAsManyWaitersAsThereArePermitsFree() {
        AtomicInteger signals = new AtomicInteger();
        Throttled<Integer> parked = new Throttled<>(signals::incrementAndGet);
        TaskLimit limit = TaskLimit.concurrency(3);
        for (int i = 0; i < 3; i++) {
            assertThat(limit.tryAcquire(0)).isZero();
        }
        for (int i = 0; i < 100; i++) {
            long seen = limit.releases();
            assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
            parked.parkForRelease(i, limit, seen);
        }
        assertThat(parked.poll(0)).isNull();
        assertThat(parked.nanosUntilNext(0)).isEqualTo(Long.MAX_VALUE);
        limit.release();
        assertThat(signals).hasValue(1);
        assertThat(parked.nanosUntilNext(0)).isZero();
        assertThat(parked.poll(0)).isZero();
        assertThat(parked.poll(0)).as("one permit free: one waiter moved").isNull();
        limit.release();
        limit.release();
        assertThat(parked.poll(0)).isEqualTo(1);
        assertThat(parked.poll(0)).isEqualTo(2);
        assertThat(parked.size()).isEqualTo(97);
    }

    @Test
    void aReleaseBetweenTheRefusalAndTheParkingIsNotLost() {
        Throttled<String> parked = new Throttled<>(() -> { });
        TaskLimit limit = TaskLimit.concurrency(1);
        limit.tryAcquire(0);
        long seen = limit.releases();
        assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        limit.release();
        parked.parkForRelease("input", limit, seen);
        assertThat(parked.poll(0)).isEqualTo("input");
    }

    @Test
    void drainHandsBackEverythingAndLaterItemsComeOutAtOnce() {
        Throttled<String> parked = new Throttled<>(() -> { });
        TaskLimit limit = TaskLimit.concurrency(1);
        limit.tryAcquire(0);
        parked.parkForRelease("on release", limit, limit.releases());
        parked.parkUntil("timed", Long.MAX_VALUE);
        assertThat(parked.drain()).containsExactlyInAnyOrder("on release", "timed");
        assertThat(parked.size()).isZero();
        limit.release(); // its wake-up finds nothing
        parked.parkUntil("after the cancel", Long.MAX_VALUE);
        assertThat(parked.poll(0)).isEqualTo("after the cancel");
    }

    @Test
    void anIdleWorkerSleepsUntilAReleaseReadiesAnItem() throws Exception {
        Throttled<String> parked = new Throttled<>(() -> { });
        TaskLimit limit = TaskLimit.concurrency(1);
        limit.tryAcquire(0);
        parked.parkForRelease("input", limit, limit.releases());
        CountDownLatch woke = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            while (parked.poll(System.nanoTime()) == null) {
                parked.awaitReady(System.nanoTime(), TimeUnit.SECONDS.toNanos(30));
            }
            woke.countDown();
        });
        worker.start();
        try {
            limit.release();
            assertThat(woke.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            worker.interrupt();
            worker.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void aRatesWaitIsTheTimeTheWorkerSleeps() {
        Throttled<String> parked = new Throttled<>(() -> { });
        TaskLimit rate = TaskLimit.rate(1, Duration.ofMillis(100));
        assertThat(rate.tryAcquire(0)).isZero();
        long wait = rate.tryAcquire(0);
        parked.parkUntil("next", wait);
        assertThat(parked.nanosUntilNext(0)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(parked.poll(wait - 1)).isNull();
        assertThat(parked.poll(wait)).isEqualTo("next");
        assertThat(rate.tryAcquire(wait)).isZero();
    }
}
