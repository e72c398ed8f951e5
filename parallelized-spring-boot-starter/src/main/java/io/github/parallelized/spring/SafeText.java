package io.github.parallelized.spring;

/**
 * A run's desc made safe where it leaves the application: in a log line (no line break or control character can
 * forge a line of its own) and in a metric tag (well-formed Unicode, so that two descs cannot turn into one
 * series name after a registry's own clean-up, and none is dropped).
 */
final class SafeText {

    private static final char REPLACEMENT = '\uFFFD';

    private SafeText() {
    }

    /**
     * For a log line: control characters, format characters and unpaired surrogates become Java-style escapes
     * ({@code \n}, {@code \u001b}), so the desc stays on one line and can still be read.
     */
    static String forLog(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (!unsafe(c) && c != '\\') {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * For a metric tag value: control and format characters and unpaired surrogates become U+FFFD; an empty
     * desc becomes {@code "(empty)"} since some registries drop an empty tag.
     */
    static String forTag(String text) {
        if (text == null || text.isEmpty()) {
            return "(empty)";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (unsafe(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(REPLACEMENT);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean unsafe(char c) {
        return Character.isISOControl(c) || Character.isSurrogate(c)
                || Character.getType(c) == Character.FORMAT
                || c == '\u2028' || c == '\u2029';
    }
}
