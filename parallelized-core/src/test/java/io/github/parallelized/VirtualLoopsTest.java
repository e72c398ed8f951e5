package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How a run on virtual threads starts its loops: the loops start each other until the consumer waits for outcomes,
 * then the consumer starts them, never more than the inputs of a sized source and never far past the inputs read
 * from an unsized one.
 */
class VirtualLoopsTest {

    /** True on Java 21 and later; on Java 17 checks that virtualThreads() is refused at once. */
    private static boolean virtual() {
        if (!VirtualThreads.available()) {
            assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, List.of(1)).virtualThreads())
                    .isInstanceOf(UnsupportedOperationException.class);
            return false;
        }
        return true;
    }

    /** The loops a run has started so far (white box: the run's crew). */
    private static int loopsStarted(Parallelized<?, ?> run) throws ReflectiveOperationException {
        Field crew = Run.class.getDeclaredField("crew");
        crew.setAccessible(true);
        Worker<?, ?>[] workers = ((Crew<?, ?>) crew.get(run)).workers;
        int started = 0;
        for (Worker<?, ?> worker : workers) {
            if (worker != null) {
                started++;
            }
        }
        return started;
    }

    /** A run over {@code n} inputs whose tasks sleep {@code millis}, on virtual threads, without a display. */
    private static Parallelized.Builder<Integer, Integer> sleepers(int n, long millis) {
        return Parallelized.of((Integer i) -> {
            Thread.sleep(millis);
            return i;
        }, IntStream.range(0, n).boxed().collect(Collectors.toList())).virtualThreads()
                .progress(ProgressReporter.none());
    }

    /** Every outcome of the run, counted, within the bound. */
    private static long countAll(Parallelized<Integer, Integer> run) {
        return assertTimeoutPreemptively(AsyncTestSupport.BOUND, () -> run.stream().count());
    }

    @Test
    void theConsumerStartsNoMoreLoopsThanASizedSourceHasInputs() throws Exception {
        if (!virtual()) {
            return;
        }
        try (Parallelized<Integer, Integer> run = sleepers(300, 20).numThreads(Parallelized.MAX_VIRTUAL_THREADS)
                .start()) {
            assertThat(countAll(run)).isEqualTo(300);
            assertThat(loopsStarted(run)).isBetween(1, 300);
        }
    }

    @Test
    void theConsumerStartsNoMoreLoopsThanTheWindowCanKeepBusy() throws Exception {
        if (!virtual()) {
            return;
        }
        try (Parallelized<Integer, Integer> run = sleepers(2_000, 1).numThreads(10_000).maxInFlight(50).start()) {
            assertThat(countAll(run)).isEqualTo(2_000);
            // at most 50 inputs are admitted and not consumed: more loops would only wait for room
            assertThat(loopsStarted(run)).isBetween(1, 50 + 2 + Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void anUnsizedSourceThatBlocksGetsAFewLoopsAheadOfItsReadsNotNumThreads() throws Exception {
        if (!virtual()) {
            return;
        }
        CountDownLatch released = new CountDownLatch(1);
        AtomicInteger read = new AtomicInteger();
        // three inputs at once, then the source blocks (a queue, a cursor) until the test releases it
        Iterator<Integer> blocking = new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    if (read.get() == 3 && !released.await(Bounded.SECONDS, TimeUnit.SECONDS)) {
                        throw new AssertionError("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while blocked", e);
                }
                return read.get() < 4;
            }

            @Override
            public Integer next() {
                return read.getAndIncrement();
            }
        };
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, () -> blocking)
                .virtualThreads().numThreads(Parallelized.MAX_VIRTUAL_THREADS).progress(ProgressReporter.none())
                .start()) {
            AtomicInteger outcomes = new AtomicInteger();
            Future<?> iterating = consumer.submit(() -> run.forEach(outcome -> outcomes.incrementAndGet()));
            await().atMost(Duration.ofSeconds(Bounded.SECONDS)).until(() -> outcomes.get() == 3);
            // the consumer now waits with every input read so far done: it starts loops, but only so many
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() - until < 0) {
                assertThat(loopsStarted(run)).isLessThanOrEqualTo(3 + Growth.AHEAD + 64);
                Thread.sleep(10);
            }
            released.countDown();
            iterating.get(Bounded.SECONDS, TimeUnit.SECONDS);
            assertThat(outcomes.get()).isEqualTo(4);
        } finally {
            released.countDown();
            consumer.shutdownNow();
        }
    }

    @Test
    void aRunsVirtualThreadsCarryOneNameWithThePrefixAndTheRun() {
        if (!virtual()) {
            return;
        }
        Set<String> names = ConcurrentHashMap.newKeySet();
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
            names.add(Thread.currentThread().getName());
            Thread.sleep(5);
            return i;
        }, IntStream.range(0, 500).boxed().toList()).virtualThreads().numThreads(500).threadNamePrefix("named-")
                .progress(ProgressReporter.none()).start()) {
            assertThat(assertTimeoutPreemptively(AsyncTestSupport.BOUND, () -> run.stream().count())).isEqualTo(500);
        }
        assertThat(names).hasSize(1);
        assertThat(names.iterator().next()).matches("named-\\d+-virtual");
    }

    @Test
    void aCancelWhileTheConsumerStartsLoopsLeavesEveryInputAnOutcomeOrRemaining() throws Exception {
        if (!virtual()) {
            return;
        }
        int n = 50_000;
        ExecutorService consumer = Executors.newSingleThreadExecutor();
        // each task sleeps 10 s: the cancel interrupts it
        try (Parallelized<Integer, Integer> run = sleepers(n, 10_000).numThreads(n).start()) {
            AtomicInteger outcomes = new AtomicInteger();
            Future<?> iterating = consumer.submit(() -> run.forEach(outcome -> outcomes.incrementAndGet()));
            // the consumer is starting loops, 1,024 at a time; cancel from another thread meanwhile
            await().atMost(Duration.ofSeconds(Bounded.SECONDS)).until(() -> loopsStarted(run) > 2_000);
            run.cancel();
            iterating.get(Bounded.SECONDS, TimeUnit.SECONDS);
            int[] remaining = {0};
            run.remaining().forEachRemaining(i -> remaining[0]++);
            assertThat(outcomes.get() + remaining[0]).isEqualTo(n);
        } finally {
            consumer.shutdownNow();
        }
    }

    @Test
    void resubmissionsCountedOnVirtualThreadsShowWithAndWithoutADecorator() {
        if (!virtual()) {
            return;
        }
        TaskFunction<Integer, Integer> resending = i -> {
            for (int k = 0; k < i % 3; k++) {
                Parallelized.countResubmission();
            }
            Runnable counter = Parallelized.resubmissionCounter();
            if (i % 2 == 0) {
                counter.run();
            }
            return i;
        };
        List<Integer> inputs = IntStream.range(0, 300).boxed().toList();
        long expected = inputs.stream().mapToLong(i -> i % 3 + (i % 2 == 0 ? 1 : 0)).sum();
        for (boolean decorated : new boolean[] {false, true}) {
            Parallelized.Builder<Integer, Integer> builder = Parallelized.of(resending, inputs).virtualThreads()
                    .numThreads(300).progress(ProgressReporter.none());
            if (decorated) {
                builder.decorator(body -> () -> body.run());
            }
            try (Parallelized<Integer, Integer> run = builder.start()) {
                List<Outcome<Integer, Integer>> outcomes =
                        assertTimeoutPreemptively(AsyncTestSupport.BOUND, () -> run.stream().toList());
                assertThat(outcomes).hasSize(300).allMatch(
                        o -> o.attempts() == 1 + o.input() % 3 + (o.input() % 2 == 0 ? 1 : 0), "attempts");
                assertThat(run.summary().resubmitted()).as("decorated: " + decorated).isEqualTo(expected);
            }
        }
    }

    @Test
    void aBareLoopsThreadFindsItsWorkerWithoutAThreadLocalAndReportsWhatEscapesAsBefore() throws Exception {
        if (!virtual()) {
            return;
        }
        java.util.concurrent.atomic.AtomicReference<Thread.UncaughtExceptionHandler> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
            seen.set(Thread.currentThread().getUncaughtExceptionHandler());
            return i;
        }, List.of(1)).virtualThreads().progress(ProgressReporter.none()).start()) {
            assertThat(countAll(run)).isEqualTo(1);
        }
        // the handler is the worker, and hands what it is given to the thread's group, as a thread without one would
        assertThat(seen.get()).isInstanceOf(Worker.class);
        java.util.concurrent.atomic.AtomicReference<Throwable> reported =
                new java.util.concurrent.atomic.AtomicReference<>();
        ThreadGroup group = new ThreadGroup("reporting") {
            @Override
            public void uncaughtException(Thread thread, Throwable error) {
                reported.set(error);
            }
        };
        IllegalStateException escaped = new IllegalStateException("escaped");
        seen.get().uncaughtException(new Thread(group, () -> { }), escaped);
        assertThat(reported.get()).isSameAs(escaped);
    }

    @Test
    void loopsThatRunOneSlowTaskEachMakeNoPace() throws Exception {
        if (!virtual()) {
            return;
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Field crew = Run.class.getDeclaredField("crew");
        crew.setAccessible(true);
        Field pace = Worker.class.getDeclaredField("pace");
        pace.setAccessible(true);
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
            started.incrementAndGet();
            assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
            return i;
        }, IntStream.range(0, 200).boxed().toList()).virtualThreads().numThreads(200)
                .progress(ProgressReporter.none()).start()) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> started.get() == 200);
            int withPace = 0;
            for (Worker<?, ?> worker : ((Crew<?, ?>) crew.get(run)).workers) {
                if (worker != null && pace.get(worker) != null) {
                    withPace++;
                }
            }
            release.countDown();
            assertThat(countAll(run)).isEqualTo(200);
            assertThat(withPace).as("loops with a pace").isZero();
        }
    }

    @Test
    void aDecoratorThatRunsEachLoopOnAnotherThreadRunsEveryInput() throws Exception {
        if (!virtual()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            // one decorator starts a thread of its own for the loop, the other hands it to a pool; both wait for it
            List<java.util.function.UnaryOperator<Runnable>> decorators = List.of(body -> () -> {
                Thread other = new Thread(body, "decorator-thread");
                other.start();
                try {
                    other.join(60_000); // bounded: a hang fails the bounded consumer first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, body -> () -> {
                try {
                    pool.submit(body).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (java.util.function.UnaryOperator<Runnable> decorator : decorators) {
                Set<String> ranOn = ConcurrentHashMap.newKeySet();
                try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> {
                    ranOn.add(Thread.currentThread().getName());
                    Parallelized.countResubmission();
                    return i;
                }, IntStream.range(0, 300).boxed().toList()).virtualThreads().numThreads(300).decorator(decorator)
                        .progress(ProgressReporter.none()).start()) {
                    List<Outcome<Integer, Integer>> outcomes =
                            assertTimeoutPreemptively(AsyncTestSupport.BOUND, () -> run.stream().toList());
                    assertThat(outcomes).hasSize(300).allMatch(Outcome::isSuccess)
                            .allMatch(o -> o.attempts() == 2, "the resubmission counted on the other thread");
                    assertThat(outcomes.stream().map(Outcome::input)).containsExactlyInAnyOrderElementsOf(
                            IntStream.range(0, 300).boxed().toList());
                }
                assertThat(ranOn).noneMatch(name -> name.endsWith("-virtual"));
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aDecoratorThatDoesNotRunTheLoopOnVirtualThreadsFailsTheRunSayingSo() {
        if (!virtual()) {
            return;
        }
        try (Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, List.of(1, 2, 3))
                .virtualThreads().decorator(body -> () -> { }).progress(ProgressReporter.none()).start()) {
            assertThatThrownBy(() -> assertTimeoutPreemptively(AsyncTestSupport.BOUND, () -> run.stream().count()))
                    .isInstanceOf(ParallelizedException.class)
                    .hasStackTraceContaining("the decorator returned without running the worker loop");
            assertThat(run.remaining()).toIterable().hasSize(3);
        }
    }
}
