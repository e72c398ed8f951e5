package io.github.parallelized;

import java.util.ArrayList;
import java.util.List;

/**
 * What a terminal shows after the given output: just enough of a VT100 for the screen's sequences (carriage
 * return, new line as the tty's CR LF, cursor up {@code ESC[nA}, erase to the end of the screen {@code ESC[J}).
 */
final class TerminalScreen {

    private TerminalScreen() {
    }

    static List<String> rows(String output) {
        List<StringBuilder> rows = new ArrayList<>();
        rows.add(new StringBuilder());
        int row = 0;
        int col = 0;
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                row++;
                col = 0;
                if (row == rows.size()) {
                    rows.add(new StringBuilder());
                }
            } else if (c == '\u001b') {
                int end = i + 2;
                while (!Character.isLetter(output.charAt(end))) {
                    end++;
                }
                String arg = output.substring(i + 2, end);
                switch (output.charAt(end)) {
                    case 'A' -> row = Math.max(0, row - (arg.isEmpty() ? 1 : Integer.parseInt(arg)));
                    case 'J' -> {
                        rows.get(row).setLength(Math.min(col, rows.get(row).length()));
                        while (rows.size() > row + 1) {
                            rows.remove(rows.size() - 1);
                        }
                    }
                    default -> throw new IllegalArgumentException("unexpected sequence ESC[" + arg + output.charAt(end));
                }
                i = end;
            } else {
                put(rows.get(row), col, c);
                col++;
            }
        }
        List<String> shown = new ArrayList<>();
        rows.forEach(r -> shown.add(r.toString()));
        while (!shown.isEmpty() && shown.get(shown.size() - 1).isEmpty()) {
            shown.remove(shown.size() - 1);
        }
        return shown;
    }

    /** Writes {@code c} at column {@code col} of a row, over what is there, blanks before it where the row is short. */
    static void put(StringBuilder line, int col, char c) {
        while (line.length() < col) {
            line.append(' ');
        }
        if (col < line.length()) {
            line.setCharAt(col, c);
        } else {
            line.append(c);
        }
    }
}
