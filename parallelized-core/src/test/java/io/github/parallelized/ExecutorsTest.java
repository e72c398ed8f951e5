package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ExecutorsTest {

    @Test
    void twoRunsSharingOnePoolBothProgressBeforeEitherEnds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<String> executed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        TaskFunction<String, String> task = name -> {
            executed.add(name);
            Thread.sleep(1);
            return name;
        };
        try {
            // a starts first and could hold both threads for its whole run; its worker loops must give the
            // threads back between tasks so that b's loops get their turn before a is done
            var a = Parallelized.of(task, IntStream.range(0, 300).mapToObj(i -> "a" + i).toList())
                    .executor(pool).numThreads(2).progress(ProgressReporter.none()).start();
            var b = Parallelized.of(task, IntStream.range(0, 300).mapToObj(i -> "b" + i).toList())
                    .executor(pool).numThreads(2).progress(ProgressReporter.none()).start();
            try (a; b) {
                Thread other = new Thread(() -> b.forEach(o -> { }));
                other.start();
                assertThat(a.stream().filter(Outcome::isSuccess).count()).isEqualTo(300);
                Bounded.join(other);
                assertThat(b.summary().succeeded()).isEqualTo(300);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> order = List.copyOf(executed);
        int firstB = indexWhere(order, n -> n.startsWith("b"), false);
        assertThat(firstB).as("b started before a ended").isLessThan(lastA(order));
        assertThat(firstA(order)).as("a started before b ended").isLessThan(lastB(order));
    }

    private static int firstA(List<String> order) {
        return indexWhere(order, n -> n.startsWith("a"), false);
    }

    private static int lastA(List<String> order) {
        return indexWhere(order, n -> n.startsWith("a"), true);
    }

    private static int lastB(List<String> order) {
        return indexWhere(order, n -> n.startsWith("b"), true);
    }

    private static int indexWhere(List<String> order, java.util.function.Predicate<String> p, boolean last) {
        int found = -1;
        for (int i = 0; i < order.size(); i++) {
            if (p.test(order.get(i))) {
                found = i;
                if (!last) {
                    return i;
                }
            }
        }
        return found;
    }

    @Test
    void theDecoratorCarriesTheStartingThreadsContextToEveryTask() {
        ThreadLocal<String> context = new ThreadLocal<>();
        context.set("request-42");
        java.util.function.UnaryOperator<Runnable> copyContext = runnable -> {
            String captured = context.get(); // on the thread that starts the run
            return () -> {
                context.set(captured);
                try {
                    runnable.run();
                } finally {
                    context.remove();
                }
            };
        };
        try (var par = Parallelized.of((Integer i) -> context.get(), IntStream.range(0, 50).boxed().toList())
                .numThreads(3).decorator(copyContext).progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().map(Outcome::result)).hasSize(50).containsOnly("request-42");
        } finally {
            context.remove();
        }
    }

    @Test
    void theDecoratorAlsoAppliesOnASuppliedExecutor() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicReference<String> seen = new AtomicReference<>();
        ThreadLocal<String> context = new ThreadLocal<>();
        try (var par = Parallelized.of((Integer i) -> {
            seen.compareAndSet(null, context.get());
            return i;
        }, List.of(1, 2, 3)).executor(pool).decorator(r -> () -> {
            context.set("decorated");
            try {
                r.run();
            } finally {
                context.remove();
            }
        }).progress(ProgressReporter.none()).start()) {
            par.forEach(o -> { });
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasValue("decorated");
    }

    /**
     * A decorator that runs the loop twice, on the run's own threads: the second run of a loop that has left does
     * nothing (it was counted as gone once; counted twice, the run ended with "no worker of the run is left" while
     * another loop still ran an input).
     */
    @Test
    void aDecoratorThatRunsTheLoopTwiceChangesNothing() {
        for (int round = 0; round < 5; round++) {
            // one slow input: the other loops leave while its loop still runs it
            Parallelized.Builder<Integer, Integer> builder = Parallelized.of((Integer i) -> {
                if (i == 990) {
                    Thread.sleep(200);
                }
                return i;
            }, IntStream.range(0, 1_000).boxed().toList()).numThreads(3).decorator(loop -> () -> {
                loop.run();
                loop.run();
            }).progress(ProgressReporter.none());
            List<Outcome<Integer, Integer>> outcomes = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30), () -> {
                        try (var run = builder.start()) {
                            return run.stream().toList();
                        }
                    });
            assertThat(outcomes).as("round %d", round).hasSize(1_000).allMatch(Outcome::isSuccess);
        }
    }

    @Test
    void theLastOfExecutorAndVirtualThreadsWins() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "supplied-pool"));
        try {
            var onPool = Parallelized.of((Integer i) -> Thread.currentThread().getName(), List.of(1))
                    .progress(ProgressReporter.none()).threadNamePrefix("own-");
            if (VirtualThreads.available()) {
                onPool.virtualThreads();
            }
            try (var par = onPool.executor(pool).start()) {
                assertThat(par.stream().map(Outcome::result)).containsExactly("supplied-pool");
            }
            if (VirtualThreads.available()) {
                var onVirtual = Parallelized.of((Integer i) -> Thread.currentThread().getName(), List.of(1))
                        .progress(ProgressReporter.none()).threadNamePrefix("own-").executor(pool).virtualThreads();
                try (var par = onVirtual.start()) {
                    assertThat(par.stream().map(Outcome::result)).singleElement().asString().startsWith("own-");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A pool whose execute() throws an Error once the run is under way (a ThreadPoolExecutor that cannot make a
     * thread throws "OutOfMemoryError: unable to create native thread"): a loop whose next time slice cannot be
     * submitted keeps its thread, as when the pool refuses it; the run neither hangs nor loses an input.
     */
    @Test
    void aPoolThatThrowsAnErrorWhenALoopResubmitsItselfNeitherHangsTheRunNorLosesAnInput() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger thrown = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService breaking = HostileRunsTest.hostile(pool, command -> {
            if (broken.get()) {
                thrown.incrementAndGet();
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            }
            pool.execute(command);
        });
        try {
            List<Outcome<Integer, Integer>> outcomes = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(30), () -> {
                        try (var par = Parallelized.of((Integer i) -> {
                            // the tasks wait until the pool is broken: their loops' next slices come after that
                            for (int waited = 0; !broken.get() && waited < 5_000; waited++) {
                                Thread.sleep(1);
                            }
                            Thread.sleep(2);
                            return i;
                        }, IntStream.range(0, 100).boxed().toList()).numThreads(2).executor(breaking)
                                .progress(ProgressReporter.none()).start()) {
                            broken.set(true); // every loop's next slice is refused with an Error from now on
                            return par.stream().toList();
                        }
                    });
            assertThat(outcomes).hasSize(100).allMatch(Outcome::isSuccess);
            assertThat(thrown.get()).as("loops whose next slice could not be submitted").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A pool of one thread whose queue (one place) is full of other work refuses the run's loop; it is shut down
     * with shutdown() (not shutdownNow()), its own work ends, it terminates: the run fails, saying that the loop was
     * refused and could not be submitted again. It used to say "(shutdownNow drops queued work)", which nobody called.
     */
    @Test
    void aPoolShutDownWhileItRefusedTheRunsLoopsSaysSoNotShutdownNow() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                busy.countDown();
                awaitQuietly(release);
            });
            pool.execute(() -> awaitQuietly(release)); // the queue's one place
            Bounded.await(busy);
            Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, List.of(1, 2, 3)).numThreads(1)
                    .executor(pool).progress(ProgressReporter.none()).start();
            try (run) {
                pool.shutdown();
                release.countDown();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("the pool's own work ended").isTrue();
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () ->
                        assertThatThrownBy(() -> run.forEach(o -> { })).isInstanceOf(ParallelizedException.class)
                                .hasMessageContaining("the executor terminated with 1 worker loop(s) of this run that "
                                        + "never began")
                                .hasMessageContaining("1 refused by the executor (a full queue)")
                                .hasMessageNotContaining("shutdownNow"));
            }
            assertThat(run.summary().state()).isEqualTo(RunState.FAILED);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** The run's loop waits in the queue of a busy pool, and shutdownNow() drops it: the run says that one did. */
    @Test
    void aPoolThatDroppedTheRunsQueuedLoopsSaysItDroppedThem() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4));
        CountDownLatch busy = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                busy.countDown();
                awaitQuietly(new CountDownLatch(1)); // until shutdownNow() interrupts it
            });
            Bounded.await(busy);
            Parallelized<Integer, Integer> run = Parallelized.of((Integer i) -> i, List.of(1, 2, 3)).numThreads(1)
                    .executor(pool).progress(ProgressReporter.none()).start();
            try (run) {
                assertThat(pool.shutdownNow()).as("the run's loop, dropped from the queue").hasSize(1);
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
                org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () ->
                        assertThatThrownBy(() -> run.forEach(o -> { })).isInstanceOf(ParallelizedException.class)
                                .hasMessageContaining("the executor terminated with 1 worker loop(s) of this run that "
                                        + "never began")
                                .hasMessageContaining("1 accepted by the executor and dropped unrun"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anExecutorWithALimitRefusesMoreThreadsAtStartAndRunsNothing() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AtomicReference<Integer> ran = new AtomicReference<>();
            var builder = Parallelized.of((Integer i) -> {
                ran.set(i);
                return i;
            }, List.of(1, 2, 3)).progress(ProgressReporter.none())
                    .executor(pool, 2, "raise the pool's size").numThreads(3);
            assertThatThrownBy(builder::start)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("numThreads 3 is above the executor's limit of 2 tasks at once: raise the pool's size");
            assertThat(ran).hasValue(null);
            try (var par = builder.numThreads(2).start()) {
                assertThat(par.stream().map(Outcome::result)).containsExactlyInAnyOrder(1, 2, 3);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherExecutorLiftsTheLimitOfTheOneBefore() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            var builder = Parallelized.of((Integer i) -> i, List.of(1, 2, 3)).progress(ProgressReporter.none())
                    .executor(pool, 1, "limited").numThreads(3).executor(pool);
            try (var par = builder.start()) {
                assertThat(par.stream().map(Outcome::result)).containsExactlyInAnyOrder(1, 2, 3);
            }
            assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, List.of(1)).executor(pool, 0, "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxThreads");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void virtualThreadsRunEachTaskOnAVirtualThreadOnJava21AndLater() throws Exception {
        if (!VirtualThreads.available()) {
            // Java 17: refused with a clear message (BadInputTest); .ci/run repeats this suite on JDK 25
            assertThatThrownBy(() -> Parallelized.of((Integer i) -> i, List.of(1)).virtualThreads())
                    .isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        java.lang.reflect.Method isVirtual = Thread.class.getMethod("isVirtual");
        CountDownLatch allWaiting = new CountDownLatch(1000);
        try (var par = Parallelized.of((Integer i) -> {
            allWaiting.countDown();
            Bounded.await(allWaiting); // 1,000 tasks blocked at once: only possible with 1,000 concurrent threads
            return (Boolean) isVirtual.invoke(Thread.currentThread());
        }, IntStream.range(0, 1000).boxed().toList()).virtualThreads().numThreads(1000).maxInFlight(1000)
                .threadNamePrefix("virtual-test-").progress(ProgressReporter.none()).start()) {
            assertThat(par.stream().map(Outcome::result)).hasSize(1000).containsOnly(true);
        }
    }
}
