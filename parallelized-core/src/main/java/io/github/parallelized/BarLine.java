package io.github.parallelized;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders one run's line in tqdm's layout:
 * <pre>
 * Rendering:  40%|████▏     | 400/1000 [00:04&lt;00:06, 95.10it/s, failed=2, status=processing]
 * Streaming: 1000000it [00:05, 199.99kit/s]                          (total unknown: no percentage, no bar)
 * Rendering:   1%|▏         | 15/1000 cancelled [00:00, 176.47it/s]  (final line of a stopped run: no ETA)
 * </pre>
 * The bar fills what the line leaves of the terminal's width (ten cells when not drawn on a terminal), in
 * Unicode blocks with eighth steps or, in ASCII, tqdm's digits and {@code #}. Stateless and thread-safe.
 */
final class BarLine {

    /** tqdm's Unicode bar: a space, the seven partial blocks from one eighth, the full block. */
    static final String UNICODE = " \u258f\u258e\u258d\u258c\u258b\u258a\u2589\u2588";
    /** tqdm's ASCII bar. */
    static final String ASCII = " 123456789#";
    /** tqdm's bar length when the width of the output is unknown. */
    static final int PLAIN_BAR = 10;

    private final String symbols;

    BarLine(boolean unicode) {
        this.symbols = unicode ? UNICODE : ASCII;
    }

    /**
     * The line of a snapshot.
     *
     * @param s       the run now
     * @param rate    items per second to show (the smoothed rate while live, the average on the final line)
     * @param columns the width of the line to fill, or 0 for a bar of {@link #PLAIN_BAR} cells
     * @param last    whether this is the run's final line
     */
    String render(ProgressSnapshot s, double rate, int columns, boolean last) {
        String stopped = switch (s.state()) {
            case CANCELLED -> " cancelled";
            case FAILED -> " failed";
            default -> "";
        };
        String label = s.description().isEmpty() ? "" : visible(s.description()) + ": ";
        StringBuilder times = new StringBuilder(" [").append(Units.interval(s.elapsed()));
        if (s.total() >= 0 && stopped.isEmpty()) {
            times.append('<').append(eta(s, rate, last));
        }
        times.append(", ").append(Units.rate(rate));
        String postfix = visible(Postfix.format(postfix(s)));
        if (!postfix.isEmpty()) {
            times.append(", ").append(postfix);
        }
        times.append(']');
        // skipped inputs count as done, as tqdm's initial: the bar starts at their count, the rate leaves them out
        long done = s.completed() + s.skipped();
        if (s.total() < 0) {
            return label + done + "it" + stopped + times;
        }
        double fraction = s.fraction().orElse(0.0);
        String percent = Integer.toString((int) Math.floor(fraction * 100)); // as "%3d%%": no Formatter per line
        String left = label + "   ".substring(Math.min(3, percent.length())) + percent + "%|";
        String right = "| " + done + "/" + s.total() + stopped + times;
        int cells = columns > 0 ? Math.max(1, columns - left.length() - right.length()) : PLAIN_BAR;
        return left + bar(fraction, cells) + right;
    }

    /**
     * A desc or postfix as it may go to a terminal: line breaks, carriage returns and escape sequences would break
     * the bar's redraw in place (a line left behind at each refresh) or act on the terminal (clear it, colour it),
     * so control and format characters are shown escaped, as in the log (a line break as backslash-n, an escape
     * as backslash-u-001b); a backslash stays as it is.
     */
    static String visible(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c >= '\u007f' && !Character.isLetterOrDigit(c)) {
                StringBuilder out = new StringBuilder(text.length() + 16);
                Log.escape(text, out, false);
                return out.toString();
            }
        }
        return text; // nothing to escape: the usual case, no copy
    }

    /** tqdm's remaining time: what is left at the rate shown, {@code ?} without a rate. */
    private static String eta(ProgressSnapshot s, double rate, boolean last) {
        long left = Math.max(0, s.total() - s.completed() - s.skipped());
        if (last || left == 0) {
            return Units.interval(Duration.ZERO);
        }
        return rate > 0 ? Units.interval((long) (left / rate)) : "?";
    }

    /** The run's own counts first, then the user's pairs: one format for both. */
    private static Map<String, Object> postfix(ProgressSnapshot s) {
        if (s.failed() == 0 && s.cancelled() == 0) {
            return s.postfix();
        }
        Map<String, Object> all = new LinkedHashMap<>();
        if (s.failed() > 0) {
            all.put("failed", s.failed());
        }
        if (s.cancelled() > 0) {
            all.put("cancelled", s.cancelled());
        }
        s.postfix().forEach(all::putIfAbsent);
        return all;
    }

    /** tqdm's bar: full cells, then one partial cell in steps of 1/8 (Unicode) or 1/10 (ASCII), then spaces. */
    String bar(double fraction, int cells) {
        int steps = symbols.length() - 1;
        long filled = (long) (Math.min(1.0, Math.max(0.0, fraction)) * cells * steps);
        int full = (int) (filled / steps);
        StringBuilder bar = new StringBuilder(cells);
        bar.append(String.valueOf(symbols.charAt(steps)).repeat(full));
        if (full < cells) {
            bar.append(symbols.charAt((int) (filled % steps))).append(" ".repeat(cells - full - 1));
        }
        return bar.toString();
    }
}
