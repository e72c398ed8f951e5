package io.github.parallelized;

import java.time.Duration;

/** Formats durations for people: "850 us", "12.3 ms", "4.2 s", "1:02:03". */
final class Durations {

    private Durations() {
    }

    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000_000) {
            return (nanos / 1_000) + " us";
        }
        if (nanos < 1_000_000_000) {
            return Units.fixed(nanos / 1e6, 1) + " ms";
        }
        if (nanos < 60_000_000_000L) {
            return Units.fixed(nanos / 1e9, 1) + " s";
        }
        return clock(d);
    }

    static String clock(Duration d) {
        long s = d.getSeconds();
        StringBuilder text = new StringBuilder(10).append(s / 3600).append(':');
        return Units.twoDigits(Units.twoDigits(text, (s % 3600) / 60).append(':'), s % 60).toString();
    }
}
