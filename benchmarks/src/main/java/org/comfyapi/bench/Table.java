package org.comfyapi.bench;

import java.util.ArrayList;
import java.util.List;

/** The one table the benchmark prints (Markdown), plus notes printed under it. */
final class Table {
    private static final String[] HEADER = {"#", "measurement", "ours", "baseline", "ours vs baseline", "target"};
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    synchronized void row(String section, String what, String ours, String baseline, String versus, String target) {
        rows.add(new String[]{section, what, ours, baseline, versus, target});
        System.err.println("[bench] " + String.join(" | ", section, what, ours, baseline, versus, target));
    }

    synchronized void note(String text) {
        notes.add(text);
    }

    synchronized int size() {
        return rows.size();
    }

    synchronized String render() {
        int[] width = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) width[i] = HEADER[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder out = new StringBuilder();
        line(out, HEADER, width);
        StringBuilder sep = new StringBuilder("|");
        for (int w : width) sep.append('-').append("-".repeat(w)).append("-|");
        out.append(sep).append('\n');
        for (String[] r : rows) line(out, r, width);
        if (!notes.isEmpty()) {
            out.append('\n');
            for (String n : notes) out.append("- ").append(n).append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        out.append('|');
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(cells[i]).append(" ".repeat(width[i] - cells[i].length())).append(" |");
        }
        out.append('\n');
    }

    static String ms(double v) {
        if (Double.isNaN(v)) return "n/a";
        return v >= 100 ? String.format("%.0f ms", v) : String.format("%.2f ms", v);
    }

    static String signedMs(double v) {
        if (Double.isNaN(v)) return "n/a";
        return (v >= 0 ? "+" : "") + (Math.abs(v) >= 100 ? String.format("%.0f ms", v) : String.format("%.2f ms", v));
    }

    static String ratio(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("x%.2f", v);
    }

    static String mb(long kb) {
        return String.format("%.1f MB", kb / 1024.0);
    }
}
