package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainConsoleBarPrintsWholeLinesWithDescCountsPercentageRateEtaAndPostfix() {
        ConsoleReporter console = new ConsoleReporter(new Screen(out, out, false, false, 120, false), Duration.ofSeconds(10), false, false);
        try (var par = Parallelized.of((Integer i) -> i, HUNDRED).desc("Rendering").progress(console).start()) {
            par.pbar().setPostfix(Map.of("status", "processing"));
            par.forEach(o -> { });
        }
        String text = printed();
        assertThat(text).doesNotContain("\r").doesNotContain("\u001b[");
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).startsWith("Rendering").contains("0/100");
        String last = lines.get(lines.size() - 2);
        // the elapsed time is the machine's (never asserted); the remaining time of a finished run is zero
        assertThat(last).matches("Rendering: 100%\\|##########\\| 100/100 \\[\\d\\d:\\d\\d<00:00, .*it/s, status=processing]");
        assertThat(lines.get(lines.size() - 1)).startsWith("Rendering: 100 succeeded, 0 failed, 0 cancelled in");
    }

    @Test
    void unknownTotalShowsCountElapsedAndRateOnly() {
        ConsoleReporter console = new ConsoleReporter(new Screen(out, out, false, false, 120, false), Duration.ofSeconds(10), false, false);
        try (var par = Parallelized.of((Integer i) -> i, HUNDRED.iterator()).desc("Streaming").progress(console)
                .start()) {
            assertThat(par.progress().total()).isEqualTo(-1);
            par.forEach(o -> { });
        }
        assertThat(printed().lines().toList().get(0)).matches("Streaming: 0it \\[\\d\\d:\\d\\d, \\?it/s]");
        assertThat(printed().lines().toList().get(1)).matches("Streaming: 100it \\[\\d\\d:\\d\\d, .*it/s]");
    }

    @Test
    void onATerminalLinesWrittenDuringTheRunGoAboveTheBar() throws Exception {
        ConsoleReporter console = new ConsoleReporter(new Screen(out, out, true, false, 100, false), Duration.ofMillis(20), false, false);
        CountDownLatch written = new CountDownLatch(1);
        try (var par = Parallelized.of((Integer i) -> {
            assertThat(written.await(10, TimeUnit.SECONDS)).as("written within 10 s").isTrue();
            return i;
        }, HUNDRED).desc("Drawing").numThreads(2).progress(console).start()) {
            par.pbar().write("a line from the caller");
            written.countDown();
            par.forEach(o -> { });
        }
        String text = printed();
        // the bar is erased (carriage return, clear to end of screen) before the line, and drawn again after it
        int line = text.indexOf("a line from the caller\n");
        assertThat(line).isPositive();
        assertThat(text.substring(0, line)).endsWith("\r\u001b[J");
        assertThat(text.substring(line)).contains("\rDrawing");
        assertThat(text).contains("Drawing: 100 succeeded");
    }

    @Test
    void onATerminalLogLinesPrintedToSystemErrDoNotGarbleTheBar() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream fakeErr = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        System.setErr(fakeErr);
        try {
            Screen screen = new Screen(fakeErr, null, true, false, 100, true);
            ConsoleReporter console = new ConsoleReporter(screen, Duration.ofMillis(20), false, false);
            CountDownLatch logged = new CountDownLatch(1);
            try (var par = Parallelized.of((Integer i) -> {
                assertThat(logged.await(10, TimeUnit.SECONDS)).as("logged within 10 s").isTrue();
                return i;
            }, HUNDRED).desc("Logging").progress(console).start()) {
                System.err.print("WARN something ");
                System.err.println("happened");
                logged.countDown();
                par.forEach(o -> { });
            }
            assertThat(System.err).isSameAs(fakeErr); // put back after the run
            String text = errBytes.toString(StandardCharsets.UTF_8);
            int line = text.indexOf("WARN something happened\n");
            assertThat(line).as(text).isPositive();
            assertThat(text.substring(0, line)).endsWith("\r\u001b[J");
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void aJvmShutdownDuringARunLeavesTheTerminalOnACleanLine() throws Exception {
        Screen screen = new Screen(out, out, true, false, 100, false);
        ConsoleReporter console = new ConsoleReporter(screen, Duration.ofSeconds(10), false, false);
        CountDownLatch release = new CountDownLatch(1);
        try (var par = Parallelized.of((Integer i) -> {
            assertThat(release.await(10, TimeUnit.SECONDS)).as("release within 10 s").isTrue();
            return i;
        }, HUNDRED).desc("Interrupted").progress(console).start()) {
            screen.onShutdown(); // what the shutdown hook does on Ctrl+C
            assertThat(printed()).contains("\rInterrupted").endsWith("\n");
            String before = printed();
            console.onRefresh(par.progress().snapshot()); // the refresh thread still runs during shutdown
            par.pbar().write("from a shutdown hook");
            assertThat(printed()).isEqualTo(before + "from a shutdown hook\n");
            release.countDown();
            par.forEach(o -> { });
        }
    }

    @Test
    void pbarIsLiveDuringIteration() throws Exception {
        List<Long> completedSeen = new ArrayList<>();
        try (var par = Parallelized.of((Integer i) -> i, HUNDRED).numThreads(1).maxInFlight(1)
                .progress(ProgressReporter.none()).start()) {
            for (Outcome<Integer, Integer> o : par) {
                completedSeen.add(par.pbar().completed());
            }
            assertThat(par.pbar().total()).isEqualTo(100);
            assertThat(par.pbar().failed()).isZero();
        }
        // with a window of one, the n-th outcome is consumed while n tasks are done, or n + 1 if the worker
        // already finished the next one
        for (int n = 1; n <= 100; n++) {
            assertThat(completedSeen.get(n - 1)).isBetween((long) n, n + 1L);
        }
    }

    @Test
    void snapshotCarriesPostfixCountsAndState() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (var par = Parallelized.of((Integer i) -> {
            if (i == 0) {
                assertThat(release.await(10, TimeUnit.SECONDS)).as("release within 10 s").isTrue();
            }
            return i;
        }, List.of(0, 1, 2)).numThreads(1).desc("Snap").progress(ProgressReporter.none()).start()) {
            par.pbar().setPostfix(Map.of("phase", "one"));
            await().atMost(Duration.ofSeconds(Bounded.SECONDS)).until(() -> par.progress().snapshot().running() == 1);
            ProgressSnapshot s = par.progress().snapshot();
            assertThat(s.description()).isEqualTo("Snap");
            assertThat(s.state()).isEqualTo(RunState.RUNNING);
            assertThat(s.total()).isEqualTo(3);
            assertThat(s.pending()).isEqualTo(2);
            assertThat(s.postfix()).containsEntry("phase", "one");
            assertThat(s.fraction()).contains(0.0);
            assertThat(s.eta()).isEmpty();
            release.countDown();
            par.forEach(o -> { });
            ProgressSnapshot end = par.progress().snapshot();
            assertThat(end.state()).isEqualTo(RunState.COMPLETED);
            assertThat(end.succeeded()).isEqualTo(3);
            assertThat(end.fraction()).contains(1.0);
            assertThat(end.eta()).contains(Duration.ZERO);
        }
    }

    @Test
    void logProgressLogsEveryStepAndTheSummaryThroughTheJdksLogger() {
        LogCapture log = new LogCapture(LogReporter.LOGGER);
        CountDownLatch halfway = new CountDownLatch(1);
        String[] runId = new String[1];
        try (var par = Parallelized.of((Integer i) -> {
            if (i >= 50) {
                assertThat(halfway.await(10, TimeUnit.SECONDS)).as("released within 10 s").isTrue();
            }
            return i;
        }, HUNDRED).numThreads(1).desc("Logged").progress(ProgressReporter.log(25)).start()) {
            runId[0] = par.id();
            for (Outcome<Integer, Integer> o : par) {
                if (o.input() == 49) { // 50 done, the next one waits
                    await().atMost(Duration.ofSeconds(Bounded.SECONDS)).untilAsserted(() -> assertThat(log.messages())
                            .anyMatch(m -> m.startsWith("[run " + par.id() + "] Logged: 50% (50/100)")));
                    par.pbar().write("a note");
                    halfway.countDown();
                }
            }
        } finally {
            log.detach();
        }
        List<String> messages = log.messages();
        String run = "[run " + runId[0] + "] ";
        assertThat(messages.get(0)).isEqualTo(run + "Logged: started, 100 tasks");
        assertThat(messages).contains(run + "a note");
        assertThat(messages).anyMatch(m -> m.startsWith(run + "Logged: 50% (50/100)") && m.contains("it/s"));
        assertThat(messages.get(messages.size() - 1)).startsWith(run + "Logged: 100 succeeded, 0 failed, 0 cancelled");
        assertThat(log.records).allSatisfy(r -> assertThat(r.getLevel()).isEqualTo(Level.INFO));
    }

    @Test
    void aDescWithLineBreaksCannotForgeLogLines() {
        LogCapture log = new LogCapture(LogReporter.LOGGER);
        try (var par = Parallelized.of((Integer i) -> i, List.of(1, 2)).desc("evil\nWARN forged\u001b[2J\\")
                .progress(ProgressReporter.log(50)).start()) {
            par.forEach(o -> { });
        } finally {
            log.detach();
        }
        assertThat(log.messages()).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContain("\n", "\u001b"))
                .first().asString().contains("evil\\nWARN forged\\u001b[2J\\\\: started, 2 tasks");
    }

    @Test
    void aCustomReporterSeesEveryEventAndAListenerRunsBesideTheDisplay() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ProgressReporter mine = new ProgressReporter() {
            @Override
            public void onStart(Parallelized<?, ?> run) {
                events.add("start " + run.progress().total());
            }

            @Override
            public void onOutcome(String run, Outcome<?, ?> outcome) {
                events.add("outcome " + outcome.input());
            }

            @Override
            public void onWrite(String run, String line) {
                events.add("write " + line);
            }

            @Override
            public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                events.add("finish " + summary.succeeded());
            }
        };
        List<String> listened = new CopyOnWriteArrayList<>();
        ProgressReporter listener = new ProgressReporter() {
            @Override
            public void onFinish(ProgressSnapshot snapshot, Summary summary) {
                listened.add(snapshot.state() + " " + snapshot.completed());
            }
        };
        try (var par = Parallelized.of((Integer i) -> i, List.of(1, 2, 3)).progress(mine).listener(listener).start()) {
            par.pbar().write("hello");
            par.forEach(o -> { });
        }
        assertThat(events.get(0)).isEqualTo("start 3");
        assertThat(events).contains("outcome 1", "outcome 2", "outcome 3", "write hello");
        assertThat(events.get(events.size() - 1)).isEqualTo("finish 3");
        assertThat(listened).containsExactly("COMPLETED 3");
    }

    @Test
    void aBrokenReporterNeverBreaksTheRun() {
        ProgressReporter broken = new ProgressReporter() {
            @Override
            public void onStart(Parallelized<?, ?> run) {
                throw new IllegalStateException("display broke");
            }

            @Override
            public void onOutcome(String run, Outcome<?, ?> outcome) {
                throw new IllegalStateException("display broke");
            }
        };
        LogCapture warnings = new LogCapture("io.github.parallelized");
        try (var par = Parallelized.of((Integer i) -> i, HUNDRED).progress(broken).listener(broken).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(100);
        } finally {
            warnings.detach();
        }
        // logged once for each of its two places in the run (display and listener), then left out
        assertThat(warnings.records).hasSize(2).allSatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("failed in onStart").contains("display broke");
            assertThat(r.getThrown()).hasMessage("display broke");
        });
    }

    @Test
    void refreshIsCalledWhileTheRunGoesOn() throws Exception {
        CountDownLatch refreshed = new CountDownLatch(2);
        ProgressReporter ticking = new ProgressReporter() {
            @Override
            public Duration refreshInterval() {
                return Duration.ofMillis(5);
            }

            @Override
            public void onRefresh(ProgressSnapshot snapshot) {
                refreshed.countDown();
            }
        };
        try (var par = Parallelized.of((Integer i) -> {
            assertThat(refreshed.await(10, TimeUnit.SECONDS)).as("refreshed within 10 s").isTrue();
            return i;
        }, List.of(1)).progress(ticking).start()) {
            assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(1);
        }
    }

    /**
     * The run's clock (its progress, the bar's elapsed time) begins when start() is called, not once the run is
     * built: what start() spends counts, as tqdm's clock starts when the bar is made. Here start() asks the
     * executor whether it is shut down, and that answer takes 50 ms.
     */
    @Test
    void theRunsClockCountsFromTheCallToStart() throws Exception {
        long pause = TimeUnit.MILLISECONDS.toNanos(50);
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong lastTaskEnd = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 1,
                TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>()) {
            @Override
            public boolean isShutdown() {
                if (armed.getAndSet(false)) {
                    long until = System.nanoTime() + pause;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    answered.set(System.nanoTime());
                }
                return super.isShutdown();
            }
        };
        try {
            Parallelized.Builder<Integer, Integer> builder = Parallelized.of((Integer i) -> {
                lastTaskEnd.accumulateAndGet(System.nanoTime(), Math::max);
                return i;
            }, List.of(1, 2, 3)).executor(pool).progress(ProgressReporter.none());
            armed.set(true);
            Summary summary;
            try (var par = builder.start()) {
                assertThat(par.stream().filter(Outcome::isSuccess).count()).isEqualTo(3);
                summary = par.summary();
            }
            assertThat(answered.get()).as("start() asked the executor").isNotZero();
            // the clock began before the 50 ms answer, and ended after the last task: it covers both
            assertThat(summary.elapsed().toNanos()).isGreaterThanOrEqualTo(lastTaskEnd.get() - answered.get() + pause);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The records of one java.util.logging logger, where the JDK's System.Logger sends the core's lines when no
     * other logging is installed.
     */
    private static final class LogCapture extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final Logger logger;
        private final Level before;

        LogCapture(String name) {
            logger = Logger.getLogger(name);
            before = logger.getLevel();
            logger.setLevel(Level.INFO);
            logger.setUseParentHandlers(false);
            logger.addHandler(this);
        }

        List<String> messages() {
            return records.stream().map(LogRecord::getMessage).toList();
        }

        void detach() {
            logger.removeHandler(this);
            logger.setUseParentHandlers(true);
            logger.setLevel(before);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
