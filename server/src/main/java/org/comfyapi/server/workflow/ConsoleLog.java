package org.comfyapi.server.workflow;

import org.comfyapi.server.log.Log;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Where a workflow's console.log and console.error go: our log, one entry per line. */
final class ConsoleLog extends OutputStream {
    private static final Log LOG = Log.get("workflow");
    private static final int MAX_LINE = 16 * 1024;

    private final Log.Level level;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    ConsoleLog(Log.Level level) {
        this.level = level;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else if (line.size() < MAX_LINE) {
            line.write(b);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) flushLine();
    }

    private void flushLine() {
        LOG.log(level, "workflow console", "line", line.toString(StandardCharsets.UTF_8).stripTrailing());
        line.reset();
    }
}
