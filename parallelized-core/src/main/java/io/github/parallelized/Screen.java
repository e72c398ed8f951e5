package io.github.parallelized;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Where console bars are drawn. On a terminal the live bars sit at the bottom, redrawn in place; a line
 * written meanwhile (through {@link Progress#write}, or by a logger to System.out or System.err, which are
 * redirected while bars are shown) first erases them, goes above, and the bars are drawn again below it.
 * Elsewhere (CI, IDE consoles, files) each refresh is one plain line, so nothing floods or garbles.
 */
final class Screen {

    private static final String ESC = "\u001b[";
    private static volatile Screen standardError;

    private final PrintStream out;
    private final boolean interactive;
    private final int width;
    private final boolean redirectSystemStreams;
    private final List<ConsoleReporter.Bar> live = new ArrayList<>();
    /** How many bar lines are drawn now, the cursor being at the end of the last. */
    private int drawn;
    private PrintStream savedOut;
    private PrintStream savedErr;
    private PrintStream installedOut;
    private PrintStream installedErr;

    Screen(PrintStream out, boolean interactive, int width, boolean redirectSystemStreams) {
        this.out = out;
        this.interactive = interactive;
        this.width = width;
        this.redirectSystemStreams = redirectSystemStreams;
    }

    static Screen standardError() {
        Screen screen = standardError;
        if (screen == null) {
            synchronized (Screen.class) {
                screen = standardError;
                if (screen == null) {
                    boolean terminal = isTerminal();
                    screen = new Screen(System.err, terminal, terminalWidth(), terminal);
                    standardError = screen;
                    Screen installed = screen;
                    Runtime.getRuntime().addShutdownHook(new Thread(installed::onShutdown, "parallelized-shutdown"));
                }
            }
        }
        return screen;
    }

    boolean interactive() {
        return interactive;
    }

    int width() {
        return width;
    }

    synchronized void add(ConsoleReporter.Bar bar) {
        if (!interactive) {
            out.println(bar.line());
            return;
        }
        if (live.isEmpty() && redirectSystemStreams) {
            redirect();
        }
        live.add(bar);
        erase();
        draw();
    }

    synchronized void refresh(ConsoleReporter.Bar bar) {
        if (!interactive) {
            out.println(bar.line());
            return;
        }
        erase();
        draw();
    }

    synchronized void println(String line) {
        erase();
        out.println(line);
        draw();
    }

    /** The run ended: its last bar and its summary stay on screen as plain lines. */
    synchronized void retire(ConsoleReporter.Bar bar, String summary) {
        if (!interactive) {
            out.println(bar.line());
            out.println(summary);
            out.flush();
            return;
        }
        erase();
        live.remove(bar);
        out.println(bar.line());
        out.println(summary);
        draw();
        if (live.isEmpty() && redirectSystemStreams) {
            restore();
        }
    }

    private void erase() {
        if (drawn == 0) {
            return;
        }
        if (drawn > 1) {
            out.print(ESC + (drawn - 1) + "A");
        }
        out.print("\r" + ESC + "J");
        drawn = 0;
    }

    private void draw() {
        if (!interactive) {
            return;
        }
        for (int i = 0; i < live.size(); i++) {
            out.print((i == 0 ? "\r" : "\n") + live.get(i).line());
        }
        drawn = live.size();
        out.flush();
    }

    /** Ctrl+C: leave the cursor on a clean line below the bars. */
    synchronized void onShutdown() {
        if (drawn > 0) {
            out.println();
            out.flush();
            drawn = 0;
        }
    }

    private void redirect() {
        savedOut = System.out;
        savedErr = System.err;
        installedOut = new PrintStream(new Above(savedOut), true, Charset.defaultCharset());
        installedErr = new PrintStream(new Above(savedErr), true, Charset.defaultCharset());
        System.setOut(installedOut);
        System.setErr(installedErr);
    }

    private void restore() {
        // put the streams back only if nobody replaced ours meanwhile
        if (System.out == installedOut) {
            System.setOut(savedOut);
        }
        if (System.err == installedErr) {
            System.setErr(savedErr);
        }
    }

    /** Collects what others print and puts each whole line above the bars. */
    private final class Above extends OutputStream {
        private final PrintStream target;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Above(PrintStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (Screen.this) {
                int start = offset;
                for (int i = offset; i < offset + length; i++) {
                    if (bytes[i] == '\n') {
                        pending.write(bytes, start, i + 1 - start);
                        start = i + 1;
                        erase();
                        target.write(pending.toByteArray(), 0, pending.size());
                        target.flush();
                        pending.reset();
                        draw();
                    }
                }
                pending.write(bytes, start, offset + length - start);
            }
        }

        @Override
        public void flush() {
            // partial lines wait for their newline, so they never land in the middle of a bar
        }
    }

    private static boolean isTerminal() {
        if (System.getenv("CI") != null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+ returns a console even when redirected; it then says whether it is a terminal
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static int terminalWidth() {
        try {
            int columns = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100"));
            return Math.max(40, columns - 1);
        } catch (NumberFormatException e) {
            return 99;
        }
    }
}
