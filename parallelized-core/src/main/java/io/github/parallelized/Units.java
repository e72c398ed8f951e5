package io.github.parallelized;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * The numbers of a console bar, formatted as tqdm formats them: rates as {@code 176.47it/s}, {@code 6.25kit/s} or
 * {@code 2.50s/it} (slower than one per second, the time per item reads better), times as {@code 01:07} or
 * {@code 1:02:03}.
 */
final class Units {

    private static final String[] PREFIXES = {"", "k", "M", "G", "T", "P", "E", "Z"};

    private Units() {
    }

    /**
     * A rate for people.
     *
     * @param perSecond items per second; zero, negative or not a number when unknown
     * @return {@code "?it/s"} when unknown, {@code "s/it"} below one per second, {@code "it/s"} otherwise
     */
    static String rate(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            return "?it/s";
        }
        if (perSecond < 1) {
            return scaled(1 / perSecond) + "s/it";
        }
        return scaled(perSecond) + "it/s";
    }

    /** Two decimals below a thousand (tqdm's {@code 176.47}), three significant digits and a prefix above. */
    static String scaled(double value) {
        if (value < 999.995) {
            return fixed(value, 2);
        }
        double v = value;
        for (String prefix : PREFIXES) {
            if (v < 999.5) {
                return fixed(v, v < 9.995 ? 2 : v < 99.95 ? 1 : 0) + prefix;
            }
            v /= 1000;
        }
        return fixed(v, 1) + "Y";
    }

    /**
     * An interval as tqdm shows it: minutes and seconds, hours only when there are some.
     *
     * @param interval the time, rounded down to whole seconds
     * @return {@code "00:01"}, {@code "12:34"} or {@code "1:02:03"}
     */
    static String interval(Duration interval) {
        return interval(interval.getSeconds());
    }

    static String interval(long seconds) {
        long s = Math.max(0, seconds);
        long hours = s / 3600;
        long minutes = (s % 3600) / 60;
        long secs = s % 60;
        StringBuilder text = new StringBuilder(8);
        if (hours > 0) {
            text.append(hours).append(':');
        }
        return twoDigits(twoDigits(text, minutes).append(':'), secs).toString();
    }

    /** Appends {@code value} with at least two digits, as {@code "%02d"}. */
    static StringBuilder twoDigits(StringBuilder text, long value) {
        return (value < 10 ? text.append('0') : text).append(value);
    }

    /**
     * {@code value} with {@code decimals} decimals, rounded half up as {@code String.format("%.2f")} rounds (its
     * shortest decimal form, then half up), without a Formatter: each looks up the locale's symbols, the cost of
     * every bar line.
     */
    static String fixed(double value, int decimals) {
        return new BigDecimal(Double.toString(value)).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }
}
