package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A concurrency limit of 64 or more is striped (see {@code TaskLimit.Concurrency}): each thread takes its permits
 * from a lease in a cell of its own. What must hold all the same: {@link TaskLimit#inUse()} counts the permits held,
 * not the leases; no more than {@code max} are held at once, across threads and runs; an unused lease never causes
 * a refusal, and a waiter is woken by a release from a cell.
 */
class StripedLimitTest extends AsyncTestSupport {

    StripedLimitTest() {
        super(4);
    }

    /** Runs {@code action} on a new thread and waits for it (bounded). */
    private static void onAnotherThread(Runnable action) throws InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                action.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        thread.start();
        Bounded.join(thread);
        assertThat(failed.get()).isNull();
    }

    @Test
    void inUseCountsThePermitsHeldAndNotTheLeases() throws Exception {
        TaskLimit limit = TaskLimit.concurrency(1_000);
        for (int i = 0; i < 3; i++) {
            assertThat(limit.tryAcquire(0)).isZero();
        }
        assertThat(limit.inUse()).isEqualTo(3);
        CountDownLatch holding = new CountDownLatch(4);
        CountDownLatch done = new CountDownLatch(1);
        List<Thread> others = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread other = new Thread(() -> {
                assertThat(limit.tryAcquire(0)).isZero();
                holding.countDown();
                try {
                    Bounded.await(done);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                limit.release();
            });
            other.start();
            others.add(other);
        }
        Bounded.await(holding);
        assertThat(limit.inUse()).as("3 here and 1 on each of 4 threads").isEqualTo(7);
        done.countDown();
        for (Thread other : others) {
            Bounded.join(other);
        }
        assertThat(limit.inUse()).as("the threads gave theirs back; their leases are not in use").isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            limit.release();
        }
        assertThat(limit.inUse()).isZero();
        assertThat(limit.idle(0)).isTrue();
    }

    @Test
    void aPermitTakenOnOneThreadIsGivenBackFromAnother() throws Exception {
        TaskLimit limit = TaskLimit.concurrency(1_000);
        int thread = TaskLimit.thread();
        assertThat(limit.tryAcquire(0, thread)).isZero();
        assertThat(limit.inUse()).isOne();
        onAnotherThread(() -> limit.release(thread)); // as an asynchronous stage that completes elsewhere
        assertThat(limit.inUse()).isZero();
    }

    @Test
    void theLeasesOfOtherThreadsAreTakenBackBeforeARefusal() throws Exception {
        TaskLimit limit = TaskLimit.concurrency(64);
        // eight threads take and give back a permit each: each leaves a lease behind in its cell
        for (int t = 0; t < 8; t++) {
            onAnotherThread(() -> {
                assertThat(limit.tryAcquire(0)).isZero();
                limit.release();
            });
        }
        assertThat(limit.inUse()).isZero();
        for (int i = 0; i < 64; i++) {
            assertThat(limit.tryAcquire(0)).as("permit %d of 64", i + 1).isZero();
        }
        assertThat(limit.inUse()).isEqualTo(64);
        assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        onAnotherThread(() -> assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE));
        for (int i = 0; i < 64; i++) {
            limit.release();
        }
        assertThat(limit.inUse()).isZero();
    }

    @Test
    void withARateTheLeasesAreTakenBackUnderItsLockAndTheWaitersWokenAfter() throws Exception {
        TaskLimit concurrency = TaskLimit.concurrency(64);
        TaskLimit both = concurrency.and(TaskLimit.rate(1_000, Duration.ofSeconds(1)));
        for (int t = 0; t < 8; t++) {
            onAnotherThread(() -> {
                assertThat(concurrency.tryAcquire(0)).isZero();
                concurrency.release(); // a lease left behind in the thread's cell
            });
        }
        for (int i = 0; i < 64; i++) {
            assertThat(both.tryAcquire(i)).as("permit %d of 64", i + 1).isZero();
        }
        long seen = both.releases();
        assertThat(both.tryAcquire(100)).isEqualTo(TaskLimit.ON_RELEASE);
        CountDownLatch woken = new CountDownLatch(1);
        assertThat(both.onRelease(seen, woken::countDown)).isTrue();
        onAnotherThread(both::release); // given back from another thread than the one that took it
        Bounded.await(woken);
        assertThat(concurrency.inUse()).isEqualTo(63);
        assertThat(both.tryAcquire(200)).isZero();
    }

    @Test
    void aWaiterIsWokenByAReleaseFromAnotherThreadsCell() throws Exception {
        TaskLimit limit = TaskLimit.concurrency(64);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch giveBack = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            assertThat(limit.tryAcquire(0)).isZero();
            holding.countDown();
            try {
                Bounded.await(giveBack);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            limit.release();
        });
        holder.start();
        Bounded.await(holding);
        for (int i = 0; i < 63; i++) {
            assertThat(limit.tryAcquire(0)).isZero();
        }
        long seen = limit.releases();
        assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
        CountDownLatch woken = new CountDownLatch(1);
        assertThat(limit.onRelease(seen, woken::countDown)).as("registered: no release since the refusal").isTrue();
        giveBack.countDown();
        Bounded.await(woken);
        Bounded.join(holder);
        assertThat(limit.tryAcquire(0)).isZero();
        assertThat(limit.inUse()).isEqualTo(64);
    }

    @RepeatedTest(3)
    void manyThreadsNeverHoldMoreThanTheLimitAndLeaveNoPermitBehind() throws Exception {
        int max = 64;
        TaskLimit limit = TaskLimit.concurrency(max);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int t = 0; t < 16; t++) {
            int each = 1 + t % 8; // up to 8 at once: 16 threads want up to 72, so the limit is full at times
            Thread thread = new Thread(() -> {
                try {
                    for (int round = 0; round < 2_000; round++) {
                        int got = 0;
                        while (got < each) {
                            if (limit.tryAcquire(0) == 0) {
                                got++;
                                most.accumulateAndGet(held.incrementAndGet(), Math::max);
                                assertThat(limit.inUse()).isLessThanOrEqualTo(max);
                            } else {
                                refused.incrementAndGet();
                                break;
                            }
                        }
                        for (int i = 0; i < got; i++) {
                            held.decrementAndGet();
                            limit.release();
                        }
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            Bounded.join(thread);
        }
        assertThat(failed.get()).isNull();
        assertThat(most.get()).isBetween(1, max);
        assertThat(limit.inUse()).isZero();
        for (int i = 0; i < max; i++) {
            assertThat(limit.tryAcquire(0)).as("no permit left behind: permit %d of %d", i + 1, max).isZero();
        }
        assertThat(limit.tryAcquire(0)).isEqualTo(TaskLimit.ON_RELEASE);
    }

    @Test
    void twoRunsSharingAStripedLimitHoldItAndFillIt() throws Exception {
        TaskLimit shared = TaskLimit.concurrency(64);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch finish = new CountDownLatch(1);
        TaskFunction<Integer, Integer> task = i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (i < 48) {
                    Bounded.await(finish); // the first 48 inputs of each run block: 96 want to run, 64 may
                }
                return i;
            } finally {
                running.decrementAndGet();
            }
        };
        List<Outcome<Integer, Integer>> other = new ArrayList<>();
        Thread otherRun = new Thread(() -> other.addAll(runAll(Parallelized.of(task, inputs(2_000)).numThreads(48)
                .limit(shared))));
        otherRun.start();
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        Thread thisRun = new Thread(() -> outcomes.addAll(runAll(Parallelized.of(task, inputs(2_000)).numThreads(48)
                .limit(shared))));
        thisRun.start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> running.get() == 64 && shared.inUse() == 64);
        assertThat(most.get()).isEqualTo(64);
        finish.countDown();
        Bounded.join(otherRun);
        Bounded.join(thisRun);
        assertThat(outcomes).hasSize(2_000).allMatch(Outcome::isSuccess);
        assertThat(other).hasSize(2_000).allMatch(Outcome::isSuccess);
        assertThat(most.get()).isEqualTo(64);
        assertThat(shared.inUse()).isZero();
    }

    @Test
    void aRunFarBelowAStripedLimitGivesEveryPermitBack() {
        TaskLimit wide = TaskLimit.concurrency(1_000);
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.of((Integer i) -> i, inputs(50_000))
                .numThreads(4).limit(wide));
        assertThat(outcomes).hasSize(50_000).allMatch(Outcome::isSuccess);
        assertThat(wide.inUse()).isZero();
        for (int i = 0; i < 1_000; i++) {
            assertThat(wide.tryAcquire(0)).as("permit %d of 1000: the run's leases were taken back", i + 1).isZero();
        }
    }

    @RepeatedTest(3)
    void anAsynchronousRunGivesBackOnTheCompletingThreadsAndHoldsTheLimit() {
        TaskLimit limit = TaskLimit.concurrency(64);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Outcome<Integer, Integer>> outcomes = runAll(Parallelized.ofAsync((Integer i) -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<Integer> stage = later(() -> {
                Thread.sleep(0, 200_000);
                return i;
            });
            return stage.whenComplete((v, e) -> inFlight.decrementAndGet());
        }, inputs(3_000)).numThreads(256).limit(limit));
        assertThat(outcomes).hasSize(3_000).allMatch(Outcome::isSuccess);
        assertThat(most.get()).isBetween(1, 64);
        await().atMost(Duration.ofSeconds(5)).until(() -> limit.inUse() == 0);
    }
}
