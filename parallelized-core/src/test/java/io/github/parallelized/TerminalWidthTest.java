package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * The console bar on a terminal of a width it must measure, as the screen of standard error does: very narrow, and
 * resized while the bar is drawn. The terminal here wraps a line that reaches its right edge, as a real one does, so
 * a bar wider than the terminal leaves its first rows behind at each redraw.
 */
class TerminalWidthTest {

    /**
     * A terminal that wraps at its width and can be resized (no reflow: rows are cut, as xterm does); with a height,
     * rows that scrolled off the top stay in its history, where the cursor cannot go back to erase them.
     */
    static final class WrappingTerminal extends OutputStream {
        private final List<StringBuilder> rows = new ArrayList<>(List.of(new StringBuilder()));
        private int width;
        private final int height;
        /** The first row on the screen: those above scrolled off. */
        private int top;
        private int row;
        private int col;
        private final StringBuilder escape = new StringBuilder();
        private boolean inEscape;

        WrappingTerminal(int width) {
            this(width, Integer.MAX_VALUE);
        }

        WrappingTerminal(int width, int height) {
            this.width = width;
            this.height = height;
        }

        synchronized void resize(int columns) {
            width = columns;
            rows.forEach(r -> r.setLength(Math.min(r.length(), columns)));
            col = Math.min(col, columns);
        }

        @Override
        public synchronized void write(int b) {
            char c = (char) (b & 0xff); // the bars here are ASCII
            if (inEscape) {
                escape.append(c);
                if (Character.isLetter(c)) {
                    inEscape = false;
                    String arg = escape.substring(1, escape.length() - 1);
                    if (c == 'A') {
                        row = Math.max(top, row - (arg.isEmpty() ? 1 : Integer.parseInt(arg)));
                    } else if (c == 'J') {
                        rows.get(row).setLength(Math.min(col, rows.get(row).length()));
                        while (rows.size() > row + 1) {
                            rows.remove(rows.size() - 1);
                        }
                    } else {
                        throw new IllegalArgumentException("unexpected sequence ESC" + escape);
                    }
                    escape.setLength(0);
                }
            } else if (c == '\u001b') {
                inEscape = true;
            } else if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                newRow();
            } else {
                if (col >= width) { // the pending wrap of a line that filled the row
                    newRow();
                }
                TerminalScreen.put(rows.get(row), col, c);
                col++;
            }
        }

        private void newRow() {
            row++;
            col = 0;
            top = Math.max(top, row - height + 1);
            if (row == rows.size()) {
                rows.add(new StringBuilder());
            }
        }

        synchronized List<String> rows() {
            return rows.stream().map(StringBuilder::toString).filter(r -> !r.isEmpty()).toList();
        }
    }

    /** Rows that hold a bar or a piece of one (the final line included): ASCII bars are drawn in '#' and digits. */
    private static List<String> barRows(WrappingTerminal terminal) {
        return terminal.rows().stream().filter(r -> r.contains("|") || r.contains("#")).toList();
    }

    @Test
    void onATerminalNarrowerThanTwentyColumnsTheBarIsCutToItsWidthAndLeavesNothingBehind() {
        WrappingTerminal terminal = new WrappingTerminal(12);
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        ConsoleReporter console = new ConsoleReporter(new Screen(tty, tty, false, () -> 11), Duration.ofMillis(5),
                true, false);
        try (var par = Parallelized.of((Integer i) -> {
            Thread.sleep(5);
            return i;
        }, IntStream.range(0, 40).boxed().toList()).numThreads(2).desc("N").progress(console).start()) {
            par.forEach(o -> assertThat(o.isSuccess()).isTrue());
        }
        assertThat(barRows(terminal)).as("rows with a bar on a 12-column terminal: %s", terminal.rows())
                .singleElement().satisfies(r -> assertThat(r).startsWith("N: 100%|"));
        assertThat(terminal.rows()).anyMatch(r -> r.startsWith("N: 40 succee"));
    }

    @Test
    void aTerminalResizedNarrowerWhileTheBarIsDrawnGetsTheBarAtItsNewWidthAndNoTornLines() throws Exception {
        WrappingTerminal terminal = new WrappingTerminal(70);
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        AtomicInteger usable = new AtomicInteger(69);
        AtomicInteger measured = new AtomicInteger();
        Screen screen = new Screen(tty, tty, false, () -> {
            // the window is resized when the screen next measures it: the refreshes before draw at the old width,
            // correctly, and none may draw between the resize and the measurement's redraw
            if (usable.get() == 29) {
                terminal.resize(30);
            }
            measured.incrementAndGet();
            return usable.get();
        });
        ConsoleReporter console = new ConsoleReporter(screen, Duration.ofMillis(5), true, false);
        CountDownLatch resized = new CountDownLatch(1);
        try (var par = Parallelized.of((Integer i) -> {
            if (i >= 20) {
                Bounded.await(resized);
            }
            Thread.sleep(5);
            return i;
        }, IntStream.range(0, 60).boxed().toList()).numThreads(2).desc("Resized").progress(console).start()) {
            int seen = 0;
            for (Outcome<Integer, Integer> o : par) {
                assertThat(o.isSuccess()).isTrue();
                if (++seen == 20) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> measured.get() >= 1
                            && terminal.rows().stream().anyMatch(r -> r.startsWith("Resized:  33%|")));
                    int before = measured.get();
                    usable.set(29);
                    raiseWinch(); // as the terminal does to the foreground process when the window is resized
                    await("the width measured again after SIGWINCH").atMost(Duration.ofSeconds(5))
                            .until(() -> measured.get() > before);
                    resized.countDown();
                }
            }
        }
        assertThat(barRows(terminal)).as("rows with a bar after the resize: %s", terminal.rows())
                .singleElement().satisfies(r -> assertThat(r).startsWith("Resized: 100%|").hasSizeLessThan(30));
    }

    @Test
    void moreBarsThanTheTerminalHasRowsNeverScrollABarOffTheScreenWhereItWouldStay() throws Exception {
        WrappingTerminal terminal = new WrappingTerminal(70, 5);
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        ConsoleReporter console = new ConsoleReporter(Screen.measuring(tty, tty, false, () -> new Screen.Size(69, 5)),
                Duration.ofMillis(5), true, false);
        CountDownLatch allStarted = new CountDownLatch(8);
        List<Thread> runs = new ArrayList<>();
        for (int r = 0; r < 8; r++) {
            String desc = "run " + r;
            Thread thread = new Thread(() -> {
                try (var par = Parallelized.of((Integer i) -> {
                    Thread.sleep(3);
                    return i;
                }, IntStream.range(0, 40).boxed().toList()).numThreads(2).desc(desc).progress(console).start()) {
                    allStarted.countDown();
                    Bounded.await(allStarted); // eight bars at once on a screen of five rows
                    par.forEach(o -> assertThat(o.isSuccess()).isTrue());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            thread.start();
            runs.add(thread);
        }
        for (Thread run : runs) {
            Bounded.join(run);
        }
        List<String> rows = terminal.rows();
        assertThat(rows).as("bars left behind, scrolled off the screen: %s", rows)
                .noneMatch(r -> r.contains("%|") && !r.contains("100%|"));
        assertThat(rows).filteredOn(r -> r.contains("100%|")).hasSize(8);
        assertThat(rows).filteredOn(r -> r.contains("more bars")).isEmpty();
    }

    /** Sends this JVM a SIGWINCH, as a terminal does when its window is resized. */
    private static void raiseWinch() throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        try {
            signal.getMethod("raise", signal).invoke(null, signal.getConstructor(String.class).newInstance("WINCH"));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new AssertionError("nothing in this JVM listens for SIGWINCH, so a resize goes unseen", e.getCause());
        }
    }
}
