package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A user reporter (not one of the built-in displays) that blocks in onRefresh stops only its own refreshes: the
 * refreshes of every other user reporter, of its run or of another, keep coming. Before, they all shared one thread
 * and a single blocked onRefresh froze them all until it returned.
 */
class BlockedReporterTest {

    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().collect(Collectors.toList());

    /** Blocks in its first onRefresh until released (or interrupted); counts every call. */
    static final class Blocking implements ProgressReporter {
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger refreshes = new AtomicInteger();
        final AtomicReference<Thread> thread = new AtomicReference<>();

        @Override
        public Duration refreshInterval() {
            return Duration.ofMillis(5);
        }

        @Override
        public void onRefresh(ProgressSnapshot snapshot) {
            refreshes.incrementAndGet();
            thread.set(Thread.currentThread());
            blocked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS); // a dashboard that stopped answering, say
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts its refreshes. */
    static final class Counting implements ProgressReporter {
        final AtomicInteger refreshes = new AtomicInteger();

        @Override
        public Duration refreshInterval() {
            return Duration.ofMillis(5);
        }

        @Override
        public void onRefresh(ProgressSnapshot snapshot) {
            refreshes.incrementAndGet();
        }
    }

    private static TaskFunction<Integer, Integer> gated(CountDownLatch gate) {
        return i -> {
            Bounded.await(gate);
            return i;
        };
    }

    private static void awaitMoreRefreshes(Counting counting) {
        int seen = counting.refreshes.get();
        await().atMost(Duration.ofSeconds(10)).alias("refreshes of the other reporter while one is blocked")
                .until(() -> counting.refreshes.get() >= seen + 3);
    }

    @Test
    void aReporterBlockedInOnRefreshFreezesNoOtherRunsReporter() throws Exception {
        Blocking stuck = new Blocking();
        Counting counting = new Counting();
        CountDownLatch gate = new CountDownLatch(1);
        try (var stalled = Parallelized.of(gated(gate), HUNDRED).progress(ProgressReporter.none()).listener(stuck)
                .start();
             var other = Parallelized.of(gated(gate), HUNDRED).progress(ProgressReporter.none()).listener(counting)
                     .start()) {
            Bounded.await(stuck.blocked);
            awaitMoreRefreshes(counting);
            assertThat(stuck.refreshes).as("no second refresh while its first one still runs").hasValue(1);
            gate.countDown();
            assertThat(other.stream().count()).isEqualTo(100);
            stuck.release.countDown();
            assertThat(stalled.stream().count()).isEqualTo(100);
        } finally {
            gate.countDown();
            stuck.release.countDown();
        }
    }

    @Test
    void aReporterBlockedInOnRefreshFreezesNoOtherReporterOfItsRun() throws Exception {
        Blocking stuck = new Blocking();
        Counting counting = new Counting();
        CountDownLatch gate = new CountDownLatch(1);
        try (var run = Parallelized.of(gated(gate), HUNDRED).progress(ProgressReporter.none()).listener(stuck)
                .listener(counting).start()) {
            Bounded.await(stuck.blocked);
            awaitMoreRefreshes(counting);
            assertThat(stuck.refreshes).hasValue(1);
            gate.countDown();
            assertThat(run.stream().count()).isEqualTo(100);
        } finally {
            gate.countDown();
            stuck.release.countDown();
        }
    }

    @Test
    void aBlockedReporterHoldsOneThreadThatEndsOnceItReturnsAndIdles() throws Exception {
        Blocking stuck = new Blocking();
        CountDownLatch gate = new CountDownLatch(1);
        Thread holder;
        try (var run = Parallelized.of(gated(gate), HUNDRED).progress(ProgressReporter.none()).listener(stuck)
                .start()) {
            Bounded.await(stuck.blocked);
            holder = stuck.thread.get();
            assertThat(holder.isDaemon()).as("a blocked reporter never keeps the JVM alive").isTrue();
            gate.countDown();
            assertThat(run.stream().count()).isEqualTo(100);
        } finally {
            gate.countDown();
            stuck.release.countDown();
        }
        // the run is closed and the reporter returned: its thread ends after a while without work
        Bounded.join(holder);
        assertThat(stuck.refreshes).as("no refresh after the run's finish").hasValue(1);
    }
}
