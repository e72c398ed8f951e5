package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class InterruptionTest {

    private static final List<Integer> TEN = IntStream.range(0, 10).boxed().toList();

    /** A task that blocks until interrupted, counting how many started and how many saw the interrupt. */
    static final class Blocking implements TaskFunction<Integer, Integer> {
        final CountDownLatch started;
        final AtomicInteger interrupted = new AtomicInteger();

        Blocking(int expectedStarts) {
            started = new CountDownLatch(expectedStarts);
        }

        @Override
        public Integer apply(Integer input) throws InterruptedException {
            started.countDown();
            try {
                Bounded.untilInterrupted();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return input;
        }
    }

    @Test
    void cancelFromAnotherThreadInterruptsRunningReadsNoFurtherAndHandsBackTheRest() throws Exception {
        Blocking task = new Blocking(2);
        List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
        List<Integer> rest;
        try (var par = Parallelized.of(task, TEN).numThreads(2).threadNamePrefix("cancel-other-")
                .progress(ProgressReporter.none()).start()) {
            Thread canceller = new Thread(() -> {
                try {
                    if (task.started.await(10, TimeUnit.SECONDS)) {
                        par.cancel();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            canceller.start();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> par.forEach(outcomes::add));
            canceller.join(10_000);
            assertThat(par.isCancelled()).isTrue();
            assertThat(par.summary().state()).isEqualTo(RunState.CANCELLED);
            assertThat(par.summary().cancelled()).isEqualTo(2);
            rest = Remaining.of(par);
        }
        assertThat(outcomes).hasSize(2).allMatch(Outcome::isCancelled).allMatch(o -> o.attempts() == 1);
        assertThat(outcomes).extracting(Outcome::input).containsExactlyInAnyOrder(0, 1);
        assertThat(rest).containsExactlyElementsOf(TEN.subList(2, 10));
        assertThat(task.interrupted).hasValue(2);
        Threads.awaitNoneNamed("cancel-other-");
    }

    @Test
    void interruptingTheConsumerCancelsTheRunAndKeepsTheFlag() throws Exception {
        Blocking task = new Blocking(2);
        AtomicBoolean flagKept = new AtomicBoolean();
        List<Throwable> thrown = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            try (var par = Parallelized.of(task, TEN).numThreads(2).threadNamePrefix("interrupt-consumer-")
                    .progress(ProgressReporter.none()).start()) {
                for (Outcome<Integer, Integer> o : par) {
                    thrown.add(new AssertionError("no outcome expected, got " + o));
                }
            } catch (CancellationException e) {
                thrown.add(e);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        consumer.start();
        Bounded.await(task.started);
        consumer.interrupt();
        Bounded.join(consumer);
        assertThat(thrown).singleElement().isInstanceOf(CancellationException.class);
        assertThat(flagKept).isTrue();
        // close() does not wait for an interrupted consumer's workers: they see the interrupt a moment later
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(task.interrupted).hasValue(2));
        Threads.awaitNoneNamed("interrupt-consumer-");
    }

    @Test
    void anInterruptIsHeardEvenWhileOutcomesKeepComing() {
        LazinessTest.Counting endless = new LazinessTest.Counting();
        long consumed = 0;
        try (var par = Parallelized.of((Long i) -> i, endless).numThreads(2).threadNamePrefix("busy-consumer-")
                .progress(ProgressReporter.none()).start()) {
            Iterator<Outcome<Long, Long>> outcomes = par.iterator();
            for (; consumed < 1000; consumed++) {
                outcomes.next();
            }
            Thread.currentThread().interrupt();
            assertThatThrownBy(outcomes::hasNext).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("interrupted");
            assertThat(Thread.interrupted()).as("flag kept (and cleared here)").isTrue();
            assertThat(par.isCancelled()).isTrue();
        }
        Threads.awaitNoneNamed("busy-consumer-");
    }

    @Test
    void breakingOutOfTheLoopCancelsTheRestOnClose() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch firstDone = new CountDownLatch(1);
        TaskFunction<Integer, Integer> task = i -> {
            ran.incrementAndGet();
            if (i > 0) {
                Bounded.untilInterrupted(); // every other task blocks until interrupted
            }
            return i;
        };
        try (var par = Parallelized.of(task, IntStream.range(0, 1000).boxed().toList()).numThreads(2).ordered()
                .threadNamePrefix("break-loop-").progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> o : par) {
                firstDone.countDown();
                break;
            }
        }
        assertThat(firstDone.getCount()).isZero();
        Threads.awaitNoneNamed("break-loop-");
        // input 0 returns at once, 1 and 2 block until the close interrupts them; the source is read no further
        assertThat(ran.get()).isBetween(2, 3);
    }

    @Test
    void anExceptionInTheLoopBodyCancelsTheRunOnClose() {
        Blocking task = new Blocking(1);
        assertThatThrownBy(() -> {
            try (var par = Parallelized.of(task, TEN).numThreads(2).threadNamePrefix("loop-throws-")
                    .progress(ProgressReporter.none()).start()) {
                Bounded.await(task.started);
                assertThat(par.isCancelled()).isFalse();
                throw new IllegalStateException("the consumer failed");
            }
        }).hasMessage("the consumer failed");
        Threads.awaitNoneNamed("loop-throws-");
        assertThat(task.interrupted.get()).isPositive();
    }

    @Test
    void closeReturnsWithoutWaitingForATaskThatIgnoresItsInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        TaskFunction<Integer, Integer> stubborn = i -> {
            started.countDown();
            while (release.getCount() > 0) {
                try {
                    Bounded.await(release);
                } catch (InterruptedException ignored) {
                    // refuses to stop
                }
            }
            return i;
        };
        var par = Parallelized.of(stubborn, List.of(1)).numThreads(1).threadNamePrefix("stubborn-")
                .progress(ProgressReporter.none()).start();
        Bounded.await(started);
        par.close(); // must return although the task keeps running
        List<Thread> stragglers = Threads.named("stubborn-");
        assertThat(stragglers).hasSize(1).allMatch(Thread::isDaemon);
        release.countDown();
        Threads.awaitNoneNamed("stubborn-");
    }

    @Test
    void aSuppliedExecutorIsNotShutDownAndOnlyThisRunIsCancelled() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch otherMayEnd = new CountDownLatch(1);
            Future<String> otherWork = pool.submit(() -> {
                Bounded.await(otherMayEnd);
                return "other work finished";
            });
            Blocking task = new Blocking(2);
            List<Outcome<Integer, Integer>> outcomes = new ArrayList<>();
            List<Integer> rest;
            try (var par = Parallelized.of(task, TEN).executor(pool).numThreads(2)
                    .progress(ProgressReporter.none()).start()) {
                assertThat(task.started.await(10, TimeUnit.SECONDS)).isTrue();
                par.cancel();
                par.forEach(outcomes::add);
                rest = Remaining.of(par);
            }
            assertThat(outcomes).hasSize(2).allMatch(Outcome::isCancelled);
            assertThat(rest).hasSize(8);
            assertThat(pool.isShutdown()).isFalse();
            otherMayEnd.countDown();
            assertThat(otherWork.get(10, TimeUnit.SECONDS)).isEqualTo("other work finished");
            // the pool's threads carry no interrupt into their next job
            for (int i = 0; i < 6; i++) {
                assertThat(pool.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS)).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancelAfterTheEndChangesNothing() {
        try (var par = Parallelized.of((Integer i) -> i, TEN).progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(10);
            par.cancel();
            assertThat(par.summary().succeeded()).isEqualTo(10);
        }
    }

    @Test
    void workerThreadsDoNotCarryATimeoutInterruptIntoTheNextTask() {
        List<Boolean> interruptedAtStart = new ArrayList<>();
        TaskFunction<Integer, Boolean> task = i -> {
            boolean flag = Thread.currentThread().isInterrupted();
            if (i == 0) {
                Thread.sleep(60_000); // times out
            }
            return flag;
        };
        try (var par = Parallelized.of(task, IntStream.range(0, 20).boxed().toList()).numThreads(1)
                .timeout(Duration.ofMillis(50)).progress(ProgressReporter.none()).start()) {
            par.forEach(o -> interruptedAtStart.add(o.isSuccess() ? o.result() : null));
        }
        assertThat(interruptedAtStart).hasSize(20).containsOnlyOnce((Boolean) null).doesNotContain(true);
    }

    @Test
    void cancelIsVisibleToProgress() {
        Blocking task = new Blocking(1);
        try (var par = Parallelized.of(task, TEN).numThreads(1).progress(ProgressReporter.none()).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> task.started.getCount() == 0);
            par.cancel();
            par.forEach(o -> { });
            assertThat(par.progress().completed()).isEqualTo(1);
            assertThat(par.progress().snapshot().cancelled()).isEqualTo(1);
            assertThat(par.progress().snapshot().state()).isEqualTo(RunState.CANCELLED);
        }
    }
}
