package io.github.parallelized;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * System.out and System.err while console bars are shown on a terminal: the screen puts what others print above
 * the bars, one whole line at a time, and gives the streams back when the last bar leaves.
 */
class ConsoleStreamsTest {

    @Test
    void theStartOfALinePrintedWhileBarsAreShownIsPrintedWhenTheyLeaveNeverLost() {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream tty = new PrintStream(terminal, true, StandardCharsets.UTF_8);
        try {
            System.setOut(new PrintStream(stdout, true, Charset.defaultCharset()));
            System.setErr(new PrintStream(stderr, true, Charset.defaultCharset()));
            // a terminal screen that redirects System.out and System.err while its bars are shown, as standard error's
            ConsoleReporter console = new ConsoleReporter(new Screen(tty, null, true, false, 80, true),
                    Duration.ofMillis(5), true, false);
            try (var par = Parallelized.of((Integer i) -> i, List.of(1, 2, 3)).numThreads(1).desc("Partial")
                    .progress(console).start()) {
                int seen = 0;
                for (Outcome<Integer, Integer> o : par) {
                    if (++seen == 1) {
                        System.out.println("a whole line");
                        System.out.print("the start of a line, ");
                        System.err.print("and one on standard error");
                    }
                }
            }
            System.out.println("ended after the run");
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        assertThat(stdout.toString(Charset.defaultCharset()))
                .isEqualTo("a whole line" + System.lineSeparator() + "the start of a line, ended after the run"
                        + System.lineSeparator());
        assertThat(stderr.toString(Charset.defaultCharset())).isEqualTo("and one on standard error");
    }
}
