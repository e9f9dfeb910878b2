package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.http.Context;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.error.NotFound;
import org.comfyapi.server.job.JobEvent;
import org.comfyapi.server.job.JobIds;
import org.comfyapi.server.job.JobRegistry;
import org.comfyapi.server.job.JobState;
import org.comfyapi.server.job.JobSubscription;
import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code GET /prompt/<id>}, its event stream, its kept outputs, and {@code DELETE /prompt/<id>}. */
public final class JobRoutes implements AutoCloseable {
    private static final Log LOG = Log.get("http.jobs");
    /** How long DELETE waits for ComfyUI to stop a prompt before the job is ended regardless. */
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(30);
    private static final int STREAM_BUFFER = 8 * 1024;

    private final JobRegistry jobs;
    private final KeepAlives keepAlives;

    public JobRoutes(JobRegistry jobs, Duration keepAlive) {
        this.jobs = jobs;
        this.keepAlives = new KeepAlives(keepAlive);
    }

    public void status(Context ctx) {
        JobState job = jobs.get(id(ctx)).orElseThrow(() -> unknown(ctx));
        ctx.status(200).contentType("application/json").result(job.json());
    }

    /** Server-Sent Events until the job's terminal event, the client leaving, or a drop for reading too slowly. */
    public void events(Context ctx) throws IOException, InterruptedException {
        String id = id(ctx);
        try (JobSubscription sub = jobs.subscribe(id).orElseThrow(() -> unknown(ctx))) {
            ctx.status(200);
            ctx.res().setBufferSize(STREAM_BUFFER);
            ctx.res().setContentType("text/event-stream;charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            SseStream out = new SseStream(ctx.res().getOutputStream());
            List<JobEvent> batch = new ArrayList<>();
            keepAlives.add(sub);
            try {
                // whatever queued up while the last batch was written goes out together, in one write
                while (sub.take(batch)) {
                    try {
                        out.send(batch);
                    } catch (IOException e) {
                        LOG.debug("event stream closed by the client", "request_id", id);
                        return;
                    }
                    if (batch.getLast().isTerminal()) return;
                    batch.clear();
                }
            } finally {
                keepAlives.remove(sub);
            }
        }
    }

    public void output(Context ctx) throws IOException {
        String id = id(ctx);
        String filename = ctx.pathParam("filename");
        if (!JobIds.validFilename(filename)) {
            throw new BadInput("\"filename\" must be a plain file name", "filename");
        }
        JobRegistry.KeptFile file = jobs.keptOutput(id, filename).orElseThrow(() ->
                new NotFound("Job " + id + " has no kept output named " + filename, "filename"));
        ctx.status(200).contentType(file.contentType());
        ctx.header("Content-Length", String.valueOf(Files.size(file.path())));
        try (InputStream in = Files.newInputStream(file.path())) {
            in.transferTo(ctx.res().getOutputStream());
        }
    }

    public void delete(Context ctx) throws InterruptedException {
        String id = id(ctx);
        String error = JsonNodeFactory.instance.objectNode().put("error", "Job was cancelled by DELETE /prompt/" + id)
                .put("location", "id").toString();
        JobState job = jobs.cancel(id, CANCEL_WAIT, error).orElseThrow(() -> unknown(ctx));
        ctx.status(200).contentType("application/json").result(job.json());
    }

    private static String id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!JobIds.valid(id)) {
            throw new BadInput("\"id\" must be 1-128 letters, digits, '.', '_' or '-'", "id");
        }
        return id;
    }

    private static NotFound unknown(Context ctx) {
        return new NotFound( "No job with id " + ctx.pathParam("id") + " (unknown or expired)", "id");
    }

    /** Stops the keep-alive timer. */
    @Override
    public void close() {
        keepAlives.close();
    }
}
