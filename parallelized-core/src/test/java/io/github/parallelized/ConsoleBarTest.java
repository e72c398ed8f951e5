package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The console bar driven with a fake clock: each snapshot carries the elapsed time the display would see, so
 * rates, ETAs and lines are exact.
 */
class ConsoleBarTest {

    private final ByteArrayOutputStream bars = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bars, true, StandardCharsets.UTF_8);
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);

    private static ProgressSnapshot at(String id, String desc, RunState state, long total, long succeeded, long failed,
                                       long cancelled, long millis, Map<String, ?> postfix) {
        @SuppressWarnings("unchecked")
        Map<String, Object> pairs = (Map<String, Object>) postfix;
        return new ProgressSnapshot(id, desc, state, total, 0, 0, succeeded, failed, cancelled, Instant.EPOCH,
                Duration.ofMillis(millis), pairs);
    }

    private static ProgressSnapshot running(long total, long done, long millis) {
        return at("r1", "Rendering", RunState.RUNNING, total, done, 0, 0, millis, Map.of());
    }

    private static Summary summary(ProgressSnapshot s) {
        return new Summary(s.description(), s.state(), s.succeeded(), s.failed(), s.cancelled(), Map.of(),
                Duration.ZERO, Duration.ZERO, Duration.ZERO, s.elapsed());
    }

    /** A plain (not a terminal) screen: every refresh and the end are whole lines. */
    private ConsoleReporter plain(boolean unicode) {
        return new ConsoleReporter(new Screen(err, out, false, unicode, 80, false), Duration.ofSeconds(10), false,
                false);
    }

    private List<String> lines() {
        return bars.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static void finish(ConsoleReporter console, ProgressSnapshot end) {
        console.onFinish(end, summary(end));
    }

    @Test
    void aRunOf300TasksIn1point7SecondsEndsWithItsTrueAverageRate() {
        ConsoleReporter console = plain(true);
        console.start(running(300, 0, 0));
        for (int tick = 1; tick <= 8; tick++) { // a fast start, then slower: the live rate is smoothed
            console.onRefresh(running(300, tick * 35, tick * 200L));
        }
        finish(console, at("r1", "Rendering", RunState.COMPLETED, 300, 300, 0, 0, 1700, Map.of()));
        String last = lines().get(lines().size() - 2);
        assertThat(last).isEqualTo("Rendering: 100%|██████████| 300/300 [00:01<00:00, 176.47it/s]");
        double shown = Double.parseDouble(last.replaceAll(".*, ([0-9.]+)it/s]$", "$1"));
        assertThat(shown).isCloseTo(300 / 1.7, within(300 / 1.7 * 0.02));
        assertThat(lines().get(lines().size() - 1)).startsWith("Rendering: 300 succeeded, 0 failed, 0 cancelled");
    }

    @Test
    void theFirstRefreshShowsTheTrueRateAndTheEtaFollowsTheSmoothedRate() {
        ConsoleReporter console = plain(true);
        console.start(running(1000, 0, 0));
        console.onRefresh(running(1000, 40, 200)); // 200/s, 960 left: 4.8 s
        console.onRefresh(running(1000, 60, 400)); // this interval 100/s; EMA: dn 28.24, dt 0.2 s -> 141.18/s
        assertThat(lines()).containsExactly(
                "Rendering:   0%|          | 0/1000 [00:00<?, ?it/s]",
                "Rendering:   4%|▍         | 40/1000 [00:00<00:04, 200.00it/s]",
                "Rendering:   6%|▌         | 60/1000 [00:00<00:06, 141.18it/s]");
    }

    @Test
    void aStallIsNotAveragedInAsZeroButItsTimeCountsWhenProgressResumes() {
        RateMeter meter = new RateMeter(0, 0);
        meter.update(100, 1_000_000_000L);
        meter.update(100, 2_000_000_000L); // nothing done: the rate stays
        assertThat(meter.smoothed(100, 2_000_000_000L)).isCloseTo(100, within(1e-9));
        meter.update(200, 3_000_000_000L); // 100 more in the 2 s since the last progress: 50/s
        // EMA of dn: (0.3*100*0.7 + 0.3*100) / 0.51 = 100; of dt: (0.3*1*0.7 + 0.3*2) / 0.51 = 1.588 s
        assertThat(meter.smoothed(200, 3_000_000_000L)).isCloseTo(100 / (0.81 / 0.51), within(1e-6));
    }

    @Test
    void aSubSecondRunShowsARate() {
        ConsoleReporter console = plain(true);
        console.start(running(10, 0, 0));
        finish(console, at("r1", "Quick", RunState.COMPLETED, 10, 10, 0, 0, 350, Map.of()));
        assertThat(lines().get(1)).isEqualTo("Quick: 100%|██████████| 10/10 [00:00<00:00, 28.57it/s]");
    }

    @Test
    void offATerminalARunThatEndedBeforeItsFirstLineWasPrintedHasItsHundredPercentLineOnce() {
        ConsoleReporter console = plain(true);
        console.start(running(3, 3, 30)); // a cold start: the first line is drawn after the tasks ended
        finish(console, at("r1", "Quick", RunState.COMPLETED, 3, 3, 0, 0, 36, Map.of()));
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).isEqualTo("Rendering: 100%|██████████| 3/3 [00:00<00:00, 100.00it/s]");
        assertThat(lines().get(1)).startsWith("Quick: 3 succeeded, 0 failed, 0 cancelled");
    }

    @Test
    void offATerminalTheFinalLineOfACancelledOrFailedRunIsPrintedEvenAtTheCountAlreadyShown() {
        ConsoleReporter console = plain(false);
        console.start(running(1000, 0, 0));
        console.onRefresh(running(1000, 15, 200));
        finish(console, at("r1", "Rendering", RunState.CANCELLED, 1000, 15, 0, 0, 250, Map.of()));
        assertThat(lines()).hasSize(4);
        assertThat(lines().get(2)).contains("15/1000 cancelled");
    }

    @Test
    void offATerminalARefreshThatComesAfterTheEndPrintsNothingBelowTheSummary() {
        Screen screen = new Screen(err, out, false, true, 80, false);
        BarLine lines = new BarLine(true);
        ConsoleReporter.Bar bar = new ConsoleReporter.Bar(running(10, 0, 0));
        bar.update(running(10, 5, 100), lines, 0);
        screen.add(bar);
        ProgressSnapshot end = at("r1", "Rendering", RunState.COMPLETED, 10, 10, 0, 0, 200, Map.of());
        bar.finish(end, summary(end), lines, 0);
        screen.finish(bar);
        screen.refresh(bar); // the refresh thread rendered the bar just before its run ended
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2)).startsWith("Rendering: 10 succeeded");
    }

    @Test
    void theFinalLineOfACancelledRunSaysSoAndHasNoEta() {
        ConsoleReporter console = plain(true);
        console.start(running(1000, 0, 0));
        console.onRefresh(running(1000, 10, 200));
        finish(console, at("r1", "Rendering", RunState.CANCELLED, 1000, 12, 0, 3, 250, Map.of()));
        assertThat(lines().get(2)).isEqualTo(
                "Rendering:   1%|▏         | 15/1000 cancelled [00:00, 60.00it/s, cancelled=3]");
        assertThat(lines().get(3)).endsWith("[CANCELLED]");
    }

    @Test
    void theFinalLineOfAFailedRunSaysSo() {
        ConsoleReporter console = plain(false);
        console.start(running(100, 0, 0));
        finish(console, at("r1", "Rendering", RunState.FAILED, 100, 4, 1, 0, 2000, Map.of()));
        assertThat(lines().get(1)).isEqualTo("Rendering:   5%|5         | 5/100 failed [00:02, 2.50it/s, failed=1]");
    }

    @Test
    void anUnknownTotalShowsCountElapsedAndRateOnly() {
        ConsoleReporter console = plain(true);
        console.start(at("r1", "Streaming", RunState.RUNNING, -1, 0, 0, 0, 0, Map.of()));
        console.onRefresh(at("r1", "Streaming", RunState.RUNNING, -1, 400_000, 0, 0, 2000, Map.of()));
        finish(console, at("r1", "Streaming", RunState.COMPLETED, -1, 1_000_000, 0, 0, 5000, Map.of()));
        assertThat(lines()).startsWith(
                "Streaming: 0it [00:00, ?it/s]",
                "Streaming: 400000it [00:02, 200kit/s]",
                "Streaming: 1000000it [00:05, 200kit/s]");
        assertThat(bars.toString(StandardCharsets.UTF_8)).doesNotContain("%").doesNotContain("|");
    }

    @Test
    void slowerThanOnePerSecondTheRateIsSecondsPerItem() {
        ConsoleReporter console = plain(true);
        console.start(running(10, 0, 0));
        console.onRefresh(running(10, 2, 5000));
        assertThat(lines().get(1)).isEqualTo("Rendering:  20%|██        | 2/10 [00:05<00:20, 2.50s/it]");
    }

    @Test
    void ratesScaleWithPrefixes() {
        assertThat(Units.rate(176.4705)).isEqualTo("176.47it/s");
        assertThat(Units.rate(6250)).isEqualTo("6.25kit/s");
        assertThat(Units.rate(10000 / 1.6)).isEqualTo("6.25kit/s");
        assertThat(Units.rate(45_300)).isEqualTo("45.3kit/s");
        assertThat(Units.rate(1_234_567)).isEqualTo("1.23Mit/s");
        assertThat(Units.rate(0.25)).isEqualTo("4.00s/it");
        assertThat(Units.rate(0)).isEqualTo("?it/s");
        assertThat(Units.rate(Double.NaN)).isEqualTo("?it/s");
        assertThat(Units.interval(Duration.ofSeconds(3723))).isEqualTo("1:02:03");
        assertThat(Units.interval(Duration.ofMillis(67_900))).isEqualTo("01:07");
    }

    @Test
    void numbersAreFormattedAsTheFormatterWouldWithoutOne() {
        java.util.Random random = new java.util.Random(17);
        for (int i = 0; i < 20_000; i++) {
            // halves and near-halves at each scale, where rounding differs first
            double value = i % 2 == 0 ? random.nextDouble() * Math.pow(10, random.nextInt(12) - 3)
                    : (random.nextInt(200_000) + 0.5) / Math.pow(10, 1 + random.nextInt(3));
            for (int decimals = 0; decimals <= 2; decimals++) {
                assertThat(Units.fixed(value, decimals))
                        .isEqualTo(String.format(java.util.Locale.ROOT, "%." + decimals + "f", value));
            }
            long seconds = random.nextInt(400_000);
            assertThat(Units.interval(seconds)).isEqualTo(seconds >= 3600
                    ? String.format("%d:%02d:%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60)
                    : String.format("%02d:%02d", seconds / 60, seconds % 60));
            assertThat(Durations.clock(Duration.ofSeconds(seconds)))
                    .isEqualTo(String.format("%d:%02d:%02d", seconds / 3600, seconds % 3600 / 60, seconds % 60));
        }
        assertThat(Units.interval(-5)).isEqualTo("00:00");
        assertThat(Durations.format(Duration.ofNanos(12_345_678))).isEqualTo("12.3 ms");
        assertThat(Durations.format(Duration.ofMillis(4_250))).isEqualTo("4.3 s");
    }

    @Test
    void unicodeBarsFillInEighthsAndAsciiBarsInTenths() {
        BarLine unicode = new BarLine(true);
        assertThat(unicode.bar(0, 10)).isEqualTo("          ");
        assertThat(unicode.bar(0.45, 10)).isEqualTo("████▌     ");
        assertThat(unicode.bar(0.4625, 10)).isEqualTo("████▋     ");
        assertThat(unicode.bar(0.0125, 10)).isEqualTo("▏         ");
        assertThat(unicode.bar(1, 10)).isEqualTo("██████████");
        BarLine ascii = new BarLine(false);
        assertThat(ascii.bar(0.46, 10)).isEqualTo("####6     ");
        assertThat(ascii.bar(1, 10)).isEqualTo("##########");
    }

    @Test
    void anAsciiBarWhenAskedOrWhenTheTerminalIsNotUtf8() {
        ConsoleReporter asked = new ConsoleReporter(new Screen(err, out, false, true, 80, false),
                Duration.ofSeconds(10), true, false);
        asked.start(running(100, 0, 0));
        asked.onRefresh(running(100, 46, 1000));
        ConsoleReporter notUtf8 = plain(false);
        notUtf8.start(running(100, 0, 0));
        notUtf8.onRefresh(running(100, 46, 1000));
        assertThat(lines().get(1)).isEqualTo("Rendering:  46%|####6     | 46/100 [00:01<00:01, 46.00it/s]");
        assertThat(lines().get(3)).isEqualTo(lines().get(1));
    }

    @Test
    void onATerminalTheBarFillsTheWidth() {
        ConsoleReporter console = new ConsoleReporter(new Screen(err, out, true, true, 60, false),
                Duration.ofMillis(200), false, false);
        console.start(running(100, 0, 0));
        console.onRefresh(running(100, 50, 1000));
        String text = bars.toString(StandardCharsets.UTF_8);
        assertThat(text.substring(text.lastIndexOf('\r') + 1))
                .isEqualTo("Rendering:  50%|█████▌     | 50/100 [00:01<00:01, 50.00it/s]").hasSize(60);
    }

    @Test
    void controlCharactersInTheDescAndPostfixAreShownEscapedSoTheBarStaysOneLineAndTheTerminalUntouched() {
        ConsoleReporter console = new ConsoleReporter(new Screen(err, out, true, true, 100, false),
                Duration.ofMillis(200), false, false);
        String desc = "evil\nline\u001b[2J\rC:\\data";
        Map<String, Object> postfix = Map.of("k", "red\u001b[31m");
        console.start(at("r1", desc, RunState.RUNNING, 100, 0, 0, 0, 0, postfix));
        console.onRefresh(at("r1", desc, RunState.RUNNING, 100, 50, 0, 0, 1000, postfix));
        finish(console, at("r1", desc, RunState.COMPLETED, 100, 100, 0, 0, 2000, postfix));
        String text = bars.toString(StandardCharsets.UTF_8);
        // the bar's own control sequences are a carriage return and ESC[J (or ESC[1A): nothing of the user's
        assertThat(text.replace("\r\u001b[J", "").replace("\u001b[1A", "").replace("\r", ""))
                .doesNotContain("\u001b");
        assertThat(text.lines()).allSatisfy(line -> assertThat(line).doesNotStartWith("line"));
        assertThat(text).contains("evil\\nline\\u001b[2J\\rC:\\data:  50%").contains("k=red\\u001b[31m]")
                .contains("evil\\nline\\u001b[2J\\rC:\\data: 100 succeeded");
    }

    @Test
    void theRunsCountsAndTheUsersPostfixShareOneFormat() {
        ConsoleReporter console = plain(true);
        console.start(running(300, 0, 0));
        console.onRefresh(at("r1", "Rendering", RunState.RUNNING, 300, 293, 6, 0, 1000,
                new java.util.LinkedHashMap<>(Map.of("last", 299))));
        assertThat(lines().get(1)).endsWith(", 299.00it/s, failed=6, last=299]");
        assertThat(ProgressLine.of(at("r1", "Rendering", RunState.RUNNING, 300, 293, 6, 0, 1000,
                Map.of("last", 299)))).endsWith("elapsed, ETA 0:00:00, last=299");
    }

    @Test
    void twoConcurrentBarsEachKeepTheirLineAndAFinishedOneStaysInPlaceUntilThoseAboveEnd() {
        Screen screen = new Screen(err, out, true, false, 60, false);
        ConsoleReporter console = new ConsoleReporter(screen, Duration.ofMillis(200), false, false);
        console.start(at("a", "A", RunState.RUNNING, 10, 0, 0, 0, 0, Map.of()));
        console.start(at("b", "B", RunState.RUNNING, 10, 0, 0, 0, 0, Map.of()));
        console.onRefresh(at("a", "A", RunState.RUNNING, 10, 5, 0, 0, 1000, Map.of()));
        bars.reset();
        // B ends first: its final line stays on the second row, below A, with no summary yet
        finish(console, at("b", "B", RunState.COMPLETED, 10, 10, 0, 0, 1000, Map.of()));
        assertThat(withoutBars(bars)).isEqualTo("\u001b[1A\r\u001b[J\rA:  50%|| 5/10 [00:01<00:01, 5.00it/s]"
                + "\n\rB: 100%|| 10/10 [00:01<00:00, 10.00it/s]");
        bars.reset();
        console.onWrite("a", "a line");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("a line\n");
        assertThat(bars.toString(StandardCharsets.UTF_8)).startsWith("\u001b[1A\r\u001b[J\rA:").contains("\n\rB:");
        bars.reset();
        // A ends: both leave the block, in their order, each with its summary; nothing is left to draw
        finish(console, at("a", "A", RunState.COMPLETED, 10, 10, 0, 0, 2000, Map.of()));
        assertThat(withoutBars(bars).split("\n")).containsExactly("\u001b[1A\r\u001b[J\rA: 100%|| 10/10 [00:02<00:00, 5.00it/s]",
                        "A: 10 succeeded, 0 failed, 0 cancelled in 2.0 s; task p50 0 us, p95 0 us, max 0 us",
                        "\rB: 100%|| 10/10 [00:01<00:00, 10.00it/s]",
                        "B: 10 succeeded, 0 failed, 0 cancelled in 1.0 s; task p50 0 us, p95 0 us, max 0 us");
    }

    /** The text with each bar's cells left out (their number depends on the rest of the line). */
    private static String withoutBars(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).replaceAll("%\\|[^|]*\\|", "%||");
    }

    @Test
    void pastEightFinishedLinesInTheBlockTheyLeaveAtOnceSoTheBlockStaysSmall() {
        Screen screen = new Screen(err, out, true, false, 60, false);
        ConsoleReporter console = new ConsoleReporter(screen, Duration.ofMillis(200), false, false);
        console.start(at("top", "Top", RunState.RUNNING, 10, 0, 0, 0, 0, Map.of()));
        for (int i = 1; i <= Screen.MOST_FINISHED_IN_BLOCK + 1; i++) {
            console.start(at("s" + i, "Short" + i, RunState.RUNNING, 1, 0, 0, 0, 0, Map.of()));
            finish(console, at("s" + i, "Short" + i, RunState.COMPLETED, 1, 1, 0, 0, 100, Map.of()));
            List<String> rows = TerminalScreen.rows(bars.toString(StandardCharsets.UTF_8));
            if (i <= Screen.MOST_FINISHED_IN_BLOCK) { // below the live bar, in place
                assertThat(rows).hasSize(1 + i).first().asString().startsWith("Top:   0%|");
            } else { // all nine with their summaries above, the live bar alone at the bottom
                assertThat(rows).hasSize(2 * i + 1).last().asString().startsWith("Top:   0%|");
                assertThat(rows.get(0)).startsWith("Short1: 100%|");
                assertThat(rows.get(1)).startsWith("Short1: 1 succeeded");
            }
        }
    }

    @Test
    void aLateRefreshNeverOverwritesTheFinalLine() {
        BarLine ascii = new BarLine(false);
        ConsoleReporter.Bar bar = new ConsoleReporter.Bar(running(10, 0, 0));
        ProgressSnapshot end = at("r1", "Rendering", RunState.COMPLETED, 10, 10, 0, 0, 1000, Map.of());
        bar.finish(end, summary(end), ascii, 0);
        // the refresh thread took the bar just before the run removed it
        assertThat(bar.update(running(10, 5, 500), ascii, 0)).isFalse();
        assertThat(bar.line()).isEqualTo("Rendering: 100%|##########| 10/10 [00:01<00:00, 10.00it/s]");
        assertThat(bar.finished()).isTrue();
    }

    @Test
    void writeGoesToStandardOutputByDefaultAndToStandardErrorWhenAsked() {
        plain(true).onWrite("r1", "to stdout");
        new ConsoleReporter(new Screen(err, out, false, true, 80, false), Duration.ofSeconds(10), false, true)
                .onWrite("r1", "to stderr");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("to stdout\n");
        assertThat(bars.toString(StandardCharsets.UTF_8)).isEqualTo("to stderr\n");
    }

    @Test
    void unicodeOnlyWhenTheTerminalsEncodingIsUtf8() {
        assertThat(Terminal.isUtf8("UTF-8")).isTrue();
        assertThat(Terminal.isUtf8("utf8")).isTrue();
        assertThat(Terminal.isUtf8("ANSI_X3.4-1968")).isFalse(); // LANG=C
        assertThat(Terminal.isUtf8("windows-1252")).isFalse();
        assertThat(Terminal.isUtf8("")).isFalse();
    }

    /** On a terminal, the first line comes at the first refresh, while the tasks still run. */
    @Test
    void onATerminalTheFirstLineWaitsForTheFirstRefresh() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        ConsoleReporter console = ConsoleReporter.drawingAtFirstRefresh(new Screen(tty, tty, true, true, 80, false),
                Duration.ofMillis(20));
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try (var par = Parallelized.of((Integer i) -> {
            Bounded.await(gate);
            return i;
        }, List.of(1, 2, 3)).numThreads(3).desc("Later").progress(console).start()) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("Later:   0%|"));
            gate.countDown();
            par.forEach(o -> assertThat(o.isSuccess()).isTrue());
        }
        List<String> rows = TerminalScreen.rows(terminal.toString(StandardCharsets.UTF_8));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("Later: 100%|").contains("3/3");
        assertThat(rows.get(1)).startsWith("Later: 3 succeeded");
    }

    /** A run that ends before its first refresh shows its final line and summary, once. */
    @Test
    void aRunThatEndsBeforeItsFirstRefreshShowsItsFinalLineOnce() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        ConsoleReporter console = ConsoleReporter.drawingAtFirstRefresh(new Screen(tty, tty, true, true, 80, false),
                Duration.ofHours(1));
        try (var par = Parallelized.of((Integer i) -> i, List.of(1, 2, 3)).desc("Quick").progress(console).start()) {
            // on a terminal, start() draws nothing (no formatting, no terminal query on the caller's path); the
            // first refresh is far away here, so that a slow machine cannot draw it before this look
            assertThat(terminal.toString(StandardCharsets.UTF_8)).as("nothing drawn by start()").isEmpty();
            par.forEach(o -> assertThat(o.isSuccess()).isTrue());
        }
        List<String> rows = TerminalScreen.rows(terminal.toString(StandardCharsets.UTF_8));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("Quick: 100%|").contains("3/3");
        assertThat(rows.get(1)).startsWith("Quick: 3 succeeded");
    }

    @Test
    void twoRunsOnTwoThreadsLeaveEveryLineWholeOnTheTerminal() throws Exception {
        for (int round = 0; round < 10; round++) {
            ByteArrayOutputStream terminal = new ByteArrayOutputStream();
            PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
            // bars and write() lines on one terminal, as stderr and stdout are
            ConsoleReporter console = new ConsoleReporter(new Screen(tty, tty, true, true, 80, false),
                    Duration.ofMillis(1), false, false);
            Runnable a = () -> runWithWrites(console, "Alpha", 60);
            Runnable b = () -> runWithWrites(console, "Beta", 40);
            Thread first = new Thread(a);
            Thread second = new Thread(b);
            first.start();
            second.start();
            first.join(10_000);
            second.join(10_000);
            assertThat(first.isAlive() || second.isAlive()).isFalse();
            List<String> rows = TerminalScreen.rows(terminal.toString(StandardCharsets.UTF_8));
            // what stays on screen: every written line, each run's final line and summary, nothing else
            assertThat(rows).filteredOn(r -> r.contains("|")).hasSize(2)
                    .anyMatch(r -> r.startsWith("Alpha: 100%|██") && r.contains("| 60/60 [00:0"))
                    .anyMatch(r -> r.startsWith("Beta: 100%|██") && r.contains("| 40/40 [00:0"));
            assertThat(rows).filteredOn(r -> r.contains("succeeded")).containsExactlyInAnyOrder(
                    rows.stream().filter(r -> r.startsWith("Alpha: 60 succeeded")).findFirst().orElse("no Alpha summary"),
                    rows.stream().filter(r -> r.startsWith("Beta: 40 succeeded")).findFirst().orElse("no Beta summary"));
            assertThat(rows).filteredOn(r -> r.contains("passed")).containsExactlyInAnyOrder(
                    "Alpha passed 10", "Alpha passed 20", "Alpha passed 30", "Alpha passed 40", "Alpha passed 50",
                    "Alpha passed 60", "Beta passed 10", "Beta passed 20", "Beta passed 30", "Beta passed 40");
            assertThat(rows).hasSize(14);
        }
    }

    private static void runWithWrites(ConsoleReporter console, String desc, int tasks) {
        try (var par = Parallelized.of((Integer i) -> {
            Thread.sleep(1);
            return i;
        }, java.util.stream.IntStream.range(0, tasks).boxed().toList()).numThreads(2).desc(desc).progress(console)
                .start()) {
            int seen = 0;
            for (Outcome<Integer, Integer> o : par) {
                if (++seen % 10 == 0) {
                    par.pbar().write(desc + " passed " + seen);
                }
            }
        }
    }

    /**
     * The race behind a CI failure of the test above (Alpha's final line twice on the terminal), in its order: a
     * run's closing thread renders its bar's final line ({@code Bar.finish}) and is preempted before it takes the
     * screen's lock ({@code Screen.finish}); the run below it then ends, and finding both bars finished the
     * screen let both leave the block; the first thread, resuming, found its bar gone from the block, took it for
     * one never drawn, and printed its line and summary again. A bar leaves only once the screen has its end.
     */
    @Test
    void aBarWhoseRunEndsButWhoseScreenFinishComesLateLeavesTheBlockOnce() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        Screen screen = new Screen(tty, tty, true, false, 60, false);
        BarLine ascii = new BarLine(false);
        ProgressSnapshot alphaStart = at("a", "Alpha", RunState.RUNNING, 60, 0, 0, 0, 0, Map.of());
        ProgressSnapshot betaStart = at("b", "Beta", RunState.RUNNING, 40, 0, 0, 0, 0, Map.of());
        ConsoleReporter.Bar alpha = new ConsoleReporter.Bar(alphaStart);
        ConsoleReporter.Bar beta = new ConsoleReporter.Bar(betaStart);
        alpha.update(alphaStart, ascii, screen.columns());
        beta.update(betaStart, ascii, screen.columns());
        screen.add(alpha);
        screen.add(beta);
        ProgressSnapshot alphaEnd = at("a", "Alpha", RunState.COMPLETED, 60, 60, 0, 0, 2000, Map.of());
        ProgressSnapshot betaEnd = at("b", "Beta", RunState.COMPLETED, 40, 40, 0, 0, 1000, Map.of());
        // Alpha's closing thread: the final line, then preempted before Screen.finish
        alpha.finish(alphaEnd, summary(alphaEnd), ascii, screen.columns());
        // Beta's closing thread runs its onFinish to its end: Alpha's final line stays on its row, Beta's below
        beta.finish(betaEnd, summary(betaEnd), ascii, screen.columns());
        screen.finish(beta);
        assertThat(TerminalScreen.rows(terminal.toString(StandardCharsets.UTF_8)))
                .containsExactly(alpha.line(), beta.line());
        // Alpha's thread resumes: both leave the block, each line and summary once
        screen.finish(alpha);
        assertThat(TerminalScreen.rows(terminal.toString(StandardCharsets.UTF_8))).containsExactly(
                "Alpha: 100%|################| 60/60 [00:02<00:00, 30.00it/s]",
                "Alpha: 60 succeeded, 0 failed, 0 cancelled in 2.0 s; task p50 0 us, p95 0 us, max 0 us",
                "Beta: 100%|#################| 40/40 [00:01<00:00, 40.00it/s]",
                "Beta: 40 succeeded, 0 failed, 0 cancelled in 1.0 s; task p50 0 us, p95 0 us, max 0 us");
    }

    @Test
    void badConsolePropertiesAreRefusedNamingThemAndTheirValues() {
        String before = System.getProperty(ConsoleReporter.WRITE_PROPERTY);
        try {
            System.setProperty(ConsoleReporter.WRITE_PROPERTY, "printer");
            assertThatThrownBy(ProgressReporter::console).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("system property parallelized.console.write must be stdout or stderr, was 'printer'");
            System.clearProperty(ConsoleReporter.WRITE_PROPERTY);
            System.setProperty(ConsoleReporter.ASCII_PROPERTY, "yes");
            assertThatThrownBy(ProgressReporter::console).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("system property parallelized.console.ascii must be true or false, was 'yes'");
        } finally {
            System.clearProperty(ConsoleReporter.ASCII_PROPERTY);
            if (before != null) {
                System.setProperty(ConsoleReporter.WRITE_PROPERTY, before);
            }
        }
    }
}
