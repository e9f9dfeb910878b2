package org.comfyapi.server.prompt;

import org.comfyapi.server.error.RequestError;
import org.comfyapi.server.error.Unavailable;
import org.comfyapi.server.error.UpstreamFailure;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.webhook.WebhookSender;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs and delivers every request, in both modes: synchronous requests get their result written to
 * the response, asynchronous ones are accepted at once and delivered by upload and webhooks. Each
 * request is preprocessed once, and every stage is reported to the one {@link RunListener}.
 */
public final class PromptPipeline {
    private static final Log LOG = Log.get("prompt.delivery");
    /** The location of the errors that mean ComfyUI itself was lost or unreachable. */
    private static final String COMFYUI = "comfyui";

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

    /**
     * Checks and preprocesses an asynchronous request without running it: in queue mode it runs on
     * whichever instance takes it from the queue. A bad request is a {@code BadInput}.
     */
    public void check(PromptRequest request) {
        prompts.prepare(request);
    }

    /** The checked request goes to the shared queue: told before it is added, so that it exists before any instance takes it. */
    public void enqueued(PromptRequest request) {
        listener.enqueued(request);
    }

    /** The request told {@link #enqueued} could not be added to the queue after all (the caller answers the error). */
    public void notEnqueued(PromptRequest request, RuntimeException error) {
        listener.failed(request, error);
    }

    /**
     * Runs a request taken from the job queue on this thread and delivers it as {@link #submit} would.
     * When ComfyUI is lost under it, nothing is delivered or reported as failed, so that the queue can run
     * it again; then the error is returned. Otherwise empty: delivered, as a success or as a failure.
     * {@code computed} runs once ComfyUI is done with it, before delivery.
     */
    public Optional<String> runQueued(PromptRequest request, Runnable computed) throws InterruptedException {
        PreparedPrompt prepared;
        PromptResult result;
        try (JobsInFlight.Job job = jobs.admit()) {
            try {
                prepared = prompts.prepare(request);
                listener.resumed(request);
                try {
                    result = prompts.run(prepared, listener);
                } finally {
                    computed.run();
                }
                listener.finished(result);
            } catch (UpstreamFailure e) {
                if (COMFYUI.equals(e.location())) return abandoned(request, e.getMessage());
                return failedQueued(request, e);
            } catch (Unavailable e) {
                // this server is stopping (or stopped the prompt at the end of its grace): another one runs it
                return abandoned(request, e.getMessage());
            } catch (RuntimeException e) {
                return failedQueued(request, e);
            }
            deliver(result);
            return Optional.empty();
        } catch (Unavailable stopping) {
            computed.run();
            return Optional.of(stopping.getMessage());
        }
    }

    private Optional<String> abandoned(PromptRequest request, String reason) {
        listener.abandoned(request);
        return Optional.of(reason);
    }

    private Optional<String> failedQueued(PromptRequest request, RuntimeException e) throws InterruptedException {
        listener.failed(request, e);
        webhooks.failed(request, userMessage(e));
        return Optional.empty();
    }

    /** A queued request that will not run again: reported failed and {@code prompt.failed} sent. */
    public void failQueued(PromptRequest request, String error) throws InterruptedException {
        listener.failed(request, new UpstreamFailure(error, "queue"));
        webhooks.failed(request, error);
    }

    private void runAndDeliver(PreparedPrompt prepared) throws InterruptedException {
        PromptRequest request = prepared.request();
        PromptResult result;
        try {
            result = run(prepared);
        } catch (RuntimeException e) {
            webhooks.failed(request, userMessage(e));
            return;
        }
        deliver(result);
    }

    private void deliver(PromptResult result) throws InterruptedException {
        PromptRequest request = result.request();
        OutputUploader.Uploaded uploaded;
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
