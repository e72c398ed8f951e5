package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ProbeScratch2Test {

    static final Duration BOUND = Duration.ofSeconds(10);
    static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    static List<Object> drain(Parallelized<Integer, ?> par) {
        List<Object> all = new ArrayList<>();
        try {
            for (Outcome<Integer, ?> o : par) {
                all.add(o.error() == null ? o.input() : o.error());
            }
        } catch (RuntimeException e) {
            all.add(e);
        }
        return all;
    }

    @Test
    void r01asyncNullStage() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (var par = Parallelized.ofAsync((Integer i) -> (CompletableFuture<Integer>) null, HUNDRED)
                    .progress(ProgressReporter.none()).start()) {
                List<Object> all = drain(par);
                System.out.println("r01 " + all.size() + " " + all.get(0));
            }
        });
    }

    @Test
    void r02asyncSelfInterrupt() {
        assertTimeoutPreemptively(BOUND, () -> {
            AtomicInteger saw = new AtomicInteger();
            try (var par = Parallelized.ofAsync((Integer i) -> {
                if (Thread.currentThread().isInterrupted()) {
                    saw.incrementAndGet();
                }
                Thread.currentThread().interrupt();
                return CompletableFuture.completedFuture(i);
            }, HUNDRED).numThreads(1).progress(ProgressReporter.none()).start()) {
                List<Object> all = drain(par);
                System.out.println("r02 " + all.size() + " saw " + saw + " last " + all.get(all.size() - 1));
            }
        });
    }

    @Test
    void r04keyHashCodeThrows() {
        assertTimeoutPreemptively(BOUND, () -> {
            Object badKey = new Object() {
                @Override
                public int hashCode() {
                    throw new IllegalStateException("hashCode lies");
                }
            };
            try (var par = Parallelized.of((Integer i) -> i, HUNDRED).limitPerKey(i -> badKey, TaskLimit.concurrency(2))
                    .progress(ProgressReporter.none()).start()) {
                List<Object> all = drain(par);
                System.out.println("r04 " + all.size() + " " + all.get(0) + " " + all.get(all.size() - 1));
            }
        });
    }

    @Test
    void r11blockingOnFinish() {
        assertTimeoutPreemptively(BOUND, () -> {
            CountDownLatch never = new CountDownLatch(1);
            ProgressReporter blocking = new ProgressReporter() {
                @Override
                public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                    try {
                        never.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        System.out.println("r11 onFinish interrupted");
                    }
                }
            };
            Thread t = new Thread(() -> {
                try (var par = Parallelized.of((Integer i) -> i, HUNDRED).listener(blocking)
                        .progress(ProgressReporter.none()).start()) {
                    Iterator<Outcome<Integer, Integer>> it = par.iterator();
                    it.next();
                    par.cancel();
                    System.out.println("r11 cancelled");
                    it.forEachRemaining(o -> { });
                    System.out.println("r11 drained");
                }
                System.out.println("r11 closed");
            });
            t.setDaemon(true);
            t.start();
            t.join(5000);
            System.out.println("r11 consumer alive after 5s: " + t.isAlive());
            never.countDown();
        });
    }

    @Test
    void r12blockingOnOutcomeThenCancel() {
        assertTimeoutPreemptively(BOUND, () -> {
            CountDownLatch never = new CountDownLatch(1);
            ProgressReporter blocking = new ProgressReporter() {
                @Override
                public void onOutcome(String run, Outcome<?, ?> outcome) {
                    if (Integer.valueOf(5).equals(outcome.input())) {
                        while (never.getCount() > 0) {
                            try {
                                never.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                System.out.println("r12 onOutcome interrupted, ignoring");
                            }
                        }
                    }
                }
            };
            Thread t = new Thread(() -> {
                try (var par = Parallelized.of((Integer i) -> { Thread.sleep(2); return i; }, HUNDRED).numThreads(2)
                        .listener(blocking).progress(ProgressReporter.none()).start()) {
                    Iterator<Outcome<Integer, Integer>> it = par.iterator();
                    for (int k = 0; k < 20; k++) {
                        it.next();
                    }
                    par.cancel();
                    System.out.println("r12 cancelled");
                    List<Object> rest = new ArrayList<>();
                    it.forEachRemaining(o -> rest.add(o.input()));
                    System.out.println("r12 drained " + rest);
                }
                System.out.println("r12 closed");
            });
            t.setDaemon(true);
            t.start();
            t.join(5000);
            System.out.println("r12 consumer alive after 5s: " + t.isAlive());
            never.countDown();
        });
    }

    @Test
    void r15remainingWhileSourceBlocked() {
        assertTimeoutPreemptively(BOUND, () -> {
            CountDownLatch never = new CountDownLatch(1);
            Iterator<Integer> src = new Iterator<>() {
                int n;
                @Override
                public boolean hasNext() {
                    if (n == 10) {
                        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (never.getCount() > 0 && System.nanoTime() < end) {
                            try {
                                never.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                // ignores
                            }
                        }
                    }
                    return true;
                }
                @Override
                public Integer next() {
                    return n++;
                }
            };
            Thread t = new Thread(() -> {
                try (var par = Parallelized.of((Integer i) -> i, src).numThreads(2)
                        .progress(ProgressReporter.none()).start()) {
                    Iterator<Outcome<Integer, Integer>> it = par.iterator();
                    for (int k = 0; k < 10; k++) {
                        it.next();
                    }
                    par.cancel();
                    it.forEachRemaining(o -> { });
                    System.out.println("r15 drained");
                    Iterator<Integer> rest = par.remaining();
                    System.out.println("r15 got remaining");
                    System.out.println("r15 remaining hasNext " + rest.hasNext());
                } catch (RuntimeException e) {
                    System.out.println("r15 " + e);
                }
                System.out.println("r15 closed");
            });
            t.setDaemon(true);
            t.start();
            t.join(5000);
            System.out.println("r15 consumer alive after 5s: " + t.isAlive());
            never.countDown();
        });
    }
}
