package org.comfyapi.server.prompt;

import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.UpstreamFailure;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.webhook.WebhookSender;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Runs and delivers every request, in both modes: synchronous requests get their result written to
 * the response, asynchronous ones are accepted at once and delivered by upload and webhooks. Each
 * request is preprocessed once, and every stage is reported to the one {@link RunListener}.
 */
public final class PromptPipeline {
    private static final Log LOG = Log.get("prompt.delivery");

    /** Opens the response body once a result is ready to write (the status is set then). */
    public interface ResponseBody {
        OutputStream open() throws IOException;
    }

    private final PromptService prompts;
    private final OutputUploader uploader;
    private final ResultJsonWriter writer = new ResultJsonWriter();
    private final WebhookDelivery webhooks;
    private final RunListener listener;
    private final JobsInFlight jobs;
    private final QueueLimit queueLimit;

    public PromptPipeline(PromptService prompts, OutputUploader uploader, WebhookSender sender, Path spool,
                          RunListener listener, JobsInFlight jobs, QueueLimit queueLimit) {
        this.jobs = jobs;
        this.queueLimit = queueLimit;
        this.prompts = prompts;
        this.uploader = uploader;
        this.webhooks = new WebhookDelivery(sender, writer, spool);
        this.listener = listener;
    }

    /**
     * Counts a new job in flight until it is delivered (closing the job says so). Refused (503) while the
     * server stops, and while ComfyUI's queue is full with QUEUE_FULL=reject.
     */
    public JobsInFlight.Job admit() {
        queueLimit.check();
        return jobs.admit();
    }

    /**
     * Runs a synchronous request and writes its result; a failure before anything is written is thrown
     * (a {@code RequestError} for the HTTP layer to answer).
     */
    public void runAndWrite(PromptRequest request, ResponseBody response) throws InterruptedException, IOException {
        PreparedPrompt prepared = accept(request);
        PromptResult result = run(prepared);
        try {
            OutputUploader.Uploaded uploaded = upload(result);
            try {
                OutputStream out = response.open();
                writer.write(out, result, null, uploaded.urls(), uploaded.millis());
                out.flush();
            } catch (IOException e) {
                listener.failed(request, new UncheckedIOException(e)); // the client went away
                throw e;
            }
            listener.delivered(request);
        } finally {
            result.deleteFiles();
        }
    }

    /**
     * Accepts an asynchronous request: it is checked and preprocessed now, so a bad one is refused before
     * the 202, then it runs on its own virtual thread and this returns at once. The job ends once delivered.
     */
    public void submit(PromptRequest request, JobsInFlight.Job job) {
        PreparedPrompt prepared;
        try {
            prepared = accept(request);
        } catch (RuntimeException e) {
            job.close();
            throw e;
        }
        Thread.ofVirtual().name("prompt-" + request.id()).start(() -> {
            try (job) {
                runAndDeliver(prepared);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("async prompt failed unexpectedly", "request_id", request.id(), "error", e.toString());
            }
        });
    }

    /** {@code POST /validate}: every check a run meets before ComfyUI runs it; nothing is fetched or run. */
    public void validate(PromptRequest request) {
        prompts.validate(request);
    }

    public boolean interrupt(String requestId) {
        return prompts.interrupt(requestId);
    }

    private void runAndDeliver(PreparedPrompt prepared) throws InterruptedException {
        PromptRequest request = prepared.request();
        PromptResult result;
        OutputUploader.Uploaded uploaded;
        try {
            result = run(prepared);
        } catch (RuntimeException e) {
            webhooks.failed(request, userMessage(e));
            return;
        }
        try {
            try {
                uploaded = upload(result);
            } catch (RuntimeException e) {
                webhooks.failed(request, userMessage(e));
                return;
            }
            webhooks.complete(result, uploaded);
            listener.delivered(request);
        } finally {
            result.deleteFiles();
        }
    }

    /** A domain error's message is for the user; anything else is a bug whose text stays in the log. */
    private static String userMessage(RuntimeException e) {
        if (e instanceof RequestError) return e.getMessage();
        LOG.error("async prompt failed unexpectedly", "error", e.toString());
        return "Internal server error";
    }

    private PreparedPrompt accept(PromptRequest request) {
        PreparedPrompt prepared = prompts.prepare(request);
        listener.accepted(request);
        return prepared;
    }

    private PromptResult run(PreparedPrompt prepared) throws InterruptedException {
        try {
            PromptResult result = prompts.run(prepared, listener);
            listener.finished(result);
            return result;
        } catch (RuntimeException e) {
            listener.failed(prepared.request(), e);
            throw e;
        } catch (InterruptedException e) {
            listener.failed(prepared.request(), new UpstreamFailure("The server is shutting down", "comfyui"));
            throw e;
        }
    }

    private OutputUploader.Uploaded upload(PromptResult result) throws InterruptedException {
        try {
            OutputUploader.Uploaded uploaded = uploader.upload(result);
            if (!uploaded.urls().isEmpty()) listener.uploaded(result.request(), uploaded.urls());
            return uploaded;
        } catch (RuntimeException e) {
            listener.failed(result.request(), e);
            throw e;
        }
    }
}
