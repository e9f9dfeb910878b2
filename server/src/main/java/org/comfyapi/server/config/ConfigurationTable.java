package org.comfyapi.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of environment variables, kept once in {@code configuration.md} (the README's
 * "Configuration" table is checked against it by a test) and printed by {@code --help}.
 */
public final class ConfigurationTable {
    private static final String RESOURCE = "configuration.md";
    private static final int WIDTH = 100;
    private static final String INDENT = "      ";

    public record Row(String variable, String defaultValue, String meaning) {
    }

    private ConfigurationTable() {
    }

    /** The Markdown table as in the README, header and separator included. */
    public static String markdown() {
        try (InputStream in = ConfigurationTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        List<String> lines = markdown().lines().filter(line -> line.startsWith("|")).toList();
        for (String line : lines.subList(2, lines.size())) {
            String[] cells = line.substring(1, line.length() - 1).split(" \\| ", 3);
            rows.add(new Row(plain(cells[0]), plain(cells[1]), plain(cells[2])));
        }
        return rows;
    }

    /** The table for a terminal: each variable with its default, then its meaning wrapped below. */
    public static String text() {
        StringBuilder out = new StringBuilder();
        for (Row row : rows()) {
            out.append("  ").append(row.variable()).append("  [").append(row.defaultValue()).append("]\n");
            wrap(row.meaning(), out);
        }
        return out.toString();
    }

    private static void wrap(String text, StringBuilder out) {
        StringBuilder line = new StringBuilder(INDENT);
        for (String word : text.split(" ")) {
            if (line.length() > INDENT.length() && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line = new StringBuilder(INDENT);
            }
            if (line.length() > INDENT.length()) line.append(' ');
            line.append(word);
        }
        out.append(line).append('\n');
    }

    private static String plain(String cell) {
        return cell.trim().replace("`", "");
    }
}
