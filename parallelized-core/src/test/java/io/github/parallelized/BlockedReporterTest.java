package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A user reporter (not one of the built-in displays) that blocks in onRefresh stops only its own refreshes: the
 * refreshes of every other user reporter, of its run or of another, keep coming. Before, they all shared one thread
 * and a single blocked onRefresh froze them all until it returned. One that blocks in onFinish holds neither the
 * loop's end nor close() for ever: they wait for it a bounded time, then go on, with a warning naming it.
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

    /** Blocks in onFinish until released (30 s at most, the test releases it at its end). */
    static final class StuckInOnFinish implements ProgressReporter {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onFinish(ProgressSnapshot snapshot, Summary summary) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS); // a metrics push to a server that stopped answering, say
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Counts its onFinish calls. */
    static final class Finishing implements ProgressReporter {
        final CountDownLatch finished = new CountDownLatch(1);

        @Override
        public void onFinish(ProgressSnapshot snapshot, Summary summary) {
            finished.countDown();
        }
    }

    /** The warnings of the core's log, while the action runs. */
    private static List<String> warningsWhile(Executable action) throws Throwable {
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("io.github.parallelized");
        Handler reading = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(reading);
        try {
            action.execute();
        } finally {
            log.removeHandler(reading);
        }
        return warnings;
    }

    /**
     * A listener whose onFinish never returns (found by a hostile pass: close() waited for it for ever): the loop's
     * end and close() wait for it a bounded time, then go on, with a warning that names it and the reporter that
     * waits behind it; that one still hears of the end once the stuck one returns.
     */
    @Test
    void aListenerThatNeverReturnsFromOnFinishHoldsNeitherTheLoopsEndNorClose() throws Throwable {
        long before = FinishCalls.waitNanos;
        FinishCalls.waitNanos = TimeUnit.MILLISECONDS.toNanos(200);
        StuckInOnFinish read = new StuckInOnFinish();
        StuckInOnFinish closed = new StuckInOnFinish();
        Finishing behind = new Finishing();
        try {
            String[] ids = new String[2];
            List<String> warnings = warningsWhile(() -> assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
                // the consumer's last hasNext() finishes the run
                try (var run = Parallelized.of((Integer i) -> i, HUNDRED).progress(ProgressReporter.none())
                        .listener(read).listener(behind).start()) {
                    ids[0] = run.id();
                    assertThat(run.stream().count()).isEqualTo(100);
                }
                // close() finishes the run, its outcomes unread
                try (var run = Parallelized.of((Integer i) -> i, HUNDRED).progress(closed).start()) {
                    ids[1] = run.id();
                }
            }));
            assertThat(read.entered.getCount()).isZero();
            assertThat(closed.entered.getCount()).isZero();
            String name = StuckInOnFinish.class.getName();
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("progress reporter " + name
                    + " has not returned from onFinish of run " + ids[0] + " within 200.0 ms").contains(
                    "the 1 reporter(s) after it hear of the end once it returns"));
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("progress reporter " + name
                    + " has not returned from onFinish of run " + ids[1]).doesNotContain("after it"));
            assertThat(behind.finished.getCount()).as("behind the stuck one, in order").isOne();
            read.release.countDown();
            assertThat(behind.finished.await(10, TimeUnit.SECONDS)).as("heard of the end once it returned").isTrue();
        } finally {
            read.release.countDown();
            closed.release.countDown();
            FinishCalls.waitNanos = before;
        }
    }

    /**
     * The usual case: a listener's onFinish has returned when close() does, also when the closing thread carries
     * an interrupt (the consumer was interrupted: the run was cancelled); the flag is kept.
     */
    @Test
    void aListenerHearsTheEndBeforeCloseReturnsEvenOnAnInterruptedThread() throws Exception {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProgressReporter slow = new ProgressReporter() {
            @Override
            public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                try {
                    Thread.sleep(50); // the closing thread waits meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                heard.add(summary.state().name());
            }
        };
        CountDownLatch gate = new CountDownLatch(1);
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
            try {
                try (var run = Parallelized.of(gated(gate), HUNDRED).progress(ProgressReporter.none())
                        .listener(slow).start()) {
                    Thread.currentThread().interrupt();
                    assertThatThrownBy(() -> run.stream().count())
                            .isInstanceOf(java.util.concurrent.CancellationException.class);
                    gate.countDown();
                }
                assertThat(heard).as("heard before close() returned").containsExactly("CANCELLED");
                assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            } finally {
                gate.countDown();
                Thread.interrupted();
            }
        });
    }
}
