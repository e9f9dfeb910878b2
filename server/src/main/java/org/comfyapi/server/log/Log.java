package org.comfyapi.server.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * Structured log lines: {@code key=value} text by default, one JSON object per line when
 * {@code LOG_FORMAT=json}. Callers pass context (request id, node...) as key/value pairs.
 */
public final class Log {
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, FATAL }

    private static final ObjectMapper JSON = Json.MAPPER;
    private static volatile Level threshold = Level.INFO;
    private static volatile boolean json = false;

    private final String component;

    private Log(String component) {
        this.component = component;
    }

    public static Log get(String component) {
        return new Log(component);
    }

    public static void configure(Level level, boolean jsonFormat) {
        threshold = level;
        json = jsonFormat;
    }

    public static Level parseLevel(String value) {
        return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public void debug(String msg, Object... kv) { log(Level.DEBUG, msg, kv); }
    public void info(String msg, Object... kv) { log(Level.INFO, msg, kv); }
    public void warn(String msg, Object... kv) { log(Level.WARN, msg, kv); }
    public void error(String msg, Object... kv) { log(Level.ERROR, msg, kv); }

    public void log(Level level, String msg, Object... kv) {
        if (!enabled(level)) return;
        String line = json ? jsonLine(level, msg, kv) : textLine(level, msg, kv);
        PrintStream target = System.out;
        synchronized (target) {
            target.println(line);
        }
    }

    private String jsonLine(Level level, String msg, Object[] kv) {
        ObjectNode node = JSON.createObjectNode();
        node.put("time", Instant.now().toString());
        node.put("level", level.name().toLowerCase(Locale.ROOT));
        node.put("component", component);
        node.put("msg", msg);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            node.putPOJO(String.valueOf(kv[i]), kv[i + 1] == null ? null : String.valueOf(kv[i + 1]));
        }
        return node.toString();
    }

    private String textLine(Level level, String msg, Object[] kv) {
        StringBuilder sb = new StringBuilder(96)
                .append(Instant.now()).append(' ')
                .append(String.format("%-5s", level.name())).append(' ')
                .append('[').append(component).append("] ").append(msg);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            sb.append(' ').append(kv[i]).append('=').append(kv[i + 1]);
        }
        return sb.toString();
    }
}
