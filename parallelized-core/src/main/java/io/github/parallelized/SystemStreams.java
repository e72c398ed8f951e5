package io.github.parallelized;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * System.out and System.err while a {@link Screen} draws bars on a terminal: replaced by streams that put each
 * whole line above the bars, and put back when the last bar has left (unless somebody replaced ours meanwhile).
 * Used under the screen's lock.
 */
final class SystemStreams {
    private final Screen screen;
    private PrintStream savedOut;
    private PrintStream savedErr;
    private PrintStream installedOut;
    private PrintStream installedErr;
    private Above aboveOut;
    private Above aboveErr;

    SystemStreams(Screen screen) {
        this.screen = screen;
    }

    void redirect() {
        savedOut = System.out;
        savedErr = System.err;
        aboveOut = new Above(savedOut);
        aboveErr = new Above(savedErr);
        installedOut = new PrintStream(aboveOut, true, Charset.defaultCharset());
        installedErr = new PrintStream(aboveErr, true, Charset.defaultCharset());
        System.setOut(installedOut);
        System.setErr(installedErr);
    }

    void restore() {
        // a line begun meanwhile and never ended waited for its newline: it goes out now, never lost
        flushPending();
        // put the streams back only if nobody replaced ours meanwhile
        if (System.out == installedOut) {
            System.setOut(savedOut);
        }
        if (System.err == installedErr) {
            System.setErr(savedErr);
        }
    }

    /** The starts of lines still waiting for their newline, written as they are (the bars are gone, or going). */
    void flushPending() {
        if (aboveOut != null) {
            aboveOut.flushPending();
            aboveErr.flushPending();
        }
    }

    /** Where a line for standard output goes now: the saved System.out while ours is installed. */
    PrintStream standardOutput() {
        PrintStream current = System.out;
        return current == installedOut && savedOut != null ? savedOut : current;
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
            synchronized (screen) {
                int start = offset;
                for (int i = offset; i < offset + length; i++) {
                    if (bytes[i] == '\n') {
                        pending.write(bytes, start, i + 1 - start);
                        start = i + 1;
                        screen.printAbove(target, pending.toByteArray(), pending.size());
                        pending.reset();
                    }
                }
                pending.write(bytes, start, offset + length - start);
            }
        }

        @Override
        public void flush() {
            // partial lines wait for their newline, so they never land in the middle of a bar
        }

        /** The start of a line still waiting for its newline, written as it is. */
        void flushPending() {
            synchronized (screen) {
                if (pending.size() > 0) {
                    target.write(pending.toByteArray(), 0, pending.size());
                    target.flush();
                    pending.reset();
                }
            }
        }
    }
}
