package org.comfyapi.server.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.io.StringWriter;
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
    private static volatile PrintStream out = System.out;

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

    /** Where lines go (standard output unless a test says otherwise). */
    static void writeTo(PrintStream target) {
        out = target;
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
        write(json ? jsonLine(level, msg, kv) : textLine(level, msg, kv));
    }

    /** A line with a throwable: its class and message always, its stack trace when DEBUG is on. */
    public void log(Level level, String msg, Throwable failure) {
        if (!enabled(level)) return;
        if (failure == null) {
            log(level, msg);
            return;
        }
        String exception = failure.toString();
        if (enabled(Level.DEBUG)) {
            log(level, msg, "exception", exception, "stack", stackTrace(failure));
        } else {
            log(level, msg, "exception", exception);
        }
    }

    private static String stackTrace(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString().stripTrailing();
    }

    private static void write(String line) {
        PrintStream target = out;
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
            String key = String.valueOf(kv[i]);
            switch (kv[i + 1]) {
                case null -> node.putNull(key);
                case Integer n -> node.put(key, n);
                case Long n -> node.put(key, n);
                case Short n -> node.put(key, n);
                case Byte n -> node.put(key, n);
                case Double n when Double.isFinite(n) -> node.put(key, n);
                case Float n when Float.isFinite(n) -> node.put(key, n);
                case BigInteger n -> node.put(key, n);
                case BigDecimal n -> node.put(key, n);
                case Boolean b -> node.put(key, b);
                default -> node.put(key, String.valueOf(kv[i + 1]));
            }
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
