package org.comfyapi.server.http;

import org.comfyapi.server.job.JobEvent;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Puts event frames on one response's wire: each batch in a single write that goes straight to the socket.
 * On Jetty a frame's bytes are handed over as they are: no copy into the response buffer and no separate
 * flush, a good part of the server's work per subscriber when one event goes to a thousand streams.
 */
final class SseStream {
    private final OutputStream out;
    private final HttpOutput jetty;

    SseStream(OutputStream out) {
        this.out = out;
        this.jetty = out instanceof HttpOutput h ? h : null;
    }

    void send(List<JobEvent> batch) throws IOException {
        if (jetty == null) {
            for (JobEvent e : batch) out.write(e.frame());
            out.flush();
        } else if (batch.size() == 1) {
            jetty.write(ByteBuffer.wrap(batch.getFirst().frame()));
        } else {
            jetty.write(ByteBuffer.wrap(concat(batch)));
        }
    }

    private static byte[] concat(List<JobEvent> batch) {
        int length = 0;
        for (JobEvent e : batch) length += e.frame().length;
        byte[] all = new byte[length];
        int at = 0;
        for (JobEvent e : batch) {
            System.arraycopy(e.frame(), 0, all, at, e.frame().length);
            at += e.frame().length;
        }
        return all;
    }
}
