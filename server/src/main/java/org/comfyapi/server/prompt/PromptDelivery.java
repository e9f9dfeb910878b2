package org.comfyapi.server.prompt;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.http.ApiException;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.webhook.WebhookBody;
import org.comfyapi.server.webhook.WebhookSender;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Runs an asynchronous request after its 202 and delivers the outcome: {@code output.complete} per
 * file to the legacy webhook, one signed {@code prompt.complete} to webhook_v2, or {@code prompt.failed}.
 */
public final class PromptDelivery {
    private static final Log LOG = Log.get("prompt.delivery");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PromptService prompts;
    private final OutputUploader uploader;
    private final WebhookSender sender;
    private final SyncResponseWriter writer = new SyncResponseWriter();
    private final Path spool;
    private final JobsInFlight jobs;
    private final QueueLimit queueLimit;

    public PromptDelivery(PromptService prompts, OutputUploader uploader, WebhookSender sender, Path spool,
                          JobsInFlight jobs, QueueLimit queueLimit) {
        this.jobs = jobs;
        this.queueLimit = queueLimit;
        this.prompts = prompts;
        this.uploader = uploader;
        this.sender = sender;
        this.spool = spool;
    }

    /**
     * Counts a new job in flight until it is delivered; throws {@link JobsInFlight.ClosedException} when stopping,
     * and a 503 when ComfyUI's queue is full and QUEUE_FULL=reject.
     */
    public JobsInFlight.Job admit() {
        queueLimit.check();
        return jobs.admit();
    }

    /** Starts the work on its own virtual thread and returns at once; the job ends when it is delivered. */
    public void runInBackground(PromptRequest request, JobsInFlight.Job job) {
        Thread.ofVirtual().name("prompt-" + request.id()).start(() -> {
            try (job) {
                run(request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("async prompt failed unexpectedly", "request_id", request.id(), "error", e.toString());
            }
        });
    }

    void run(PromptRequest request) throws InterruptedException {
        PromptResult result;
        try {
            result = prompts.run(request);
        } catch (ApiException e) {
            failed(request, e.getMessage());
            return;
        }
        try {
            OutputUploader.Uploaded uploaded;
            try {
                uploaded = uploader.upload(result);
            } catch (ApiException e) {
                failed(request, e.getMessage());
                return;
            }
            complete(result, uploaded);
        } finally {
            result.deleteFiles();
        }
    }

    private void complete(PromptResult result, OutputUploader.Uploaded uploaded) throws InterruptedException {
        PromptRequest request = result.request();
        if (request.webhook().isPresent()) {
            for (OutputFile file : result.files()) {
                WebhookBody body = spooled(out -> writeOutputComplete(out, result, file));
                if (body != null) deliver(request.webhook().get(), request.id(), body, false);
            }
        }
        if (request.webhookV2().isPresent()) {
            ObjectNode head = JSON.createObjectNode().put("type", "prompt.complete")
                    .put("timestamp", Instant.now().toString());
            WebhookBody body = spooled(out -> writer.write(out, result, head, uploaded.urls(), uploaded.millis()));
            if (body != null) deliver(request.webhookV2().get(), request.id(), body, true);
        }
    }

    private void failed(PromptRequest request, String error) throws InterruptedException {
        LOG.warn("prompt failed", "request_id", request.id(), "error", error);
        JsonNode graph = request.prompt();
        if (request.webhook().isPresent()) {
            ObjectNode body = JSON.createObjectNode().put("event", "prompt.failed").put("error", error)
                    .put("id", request.id());
            body.set("prompt", graph);
            deliver(request.webhook().get(), request.id(), new WebhookBody.InMemory(bytes(body)), false);
        }
        if (request.webhookV2().isPresent()) {
            ObjectNode body = JSON.createObjectNode().put("type", "prompt.failed")
                    .put("timestamp", Instant.now().toString()).put("error", error).put("id", request.id());
            body.set("prompt", graph);
            deliver(request.webhookV2().get(), request.id(), new WebhookBody.InMemory(bytes(body)), true);
        }
    }

    private void writeOutputComplete(OutputStream out, PromptResult result, OutputFile file) throws IOException {
        try (JsonGenerator gen = JSON.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("event", "output.complete");
            gen.writeFieldName("image");
            SyncResponseWriter.writeBase64(gen, file);
            gen.writeStringField("id", result.request().id());
            gen.writeStringField("filename", file.filename());
            gen.writeFieldName("prompt");
            JSON.writeTree(gen, result.graph());
            gen.writeEndObject();
        }
    }

    private void deliver(URI url, String id, WebhookBody body, boolean signed) throws InterruptedException {
        try {
            if (!sender.deliver(url, id, body, signed, id)) {
                LOG.error("webhook gave up after all retries", "request_id", id, "url", WebhookSender.redact(url));
            }
        } finally {
            body.discard();
        }
    }

    private interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a body to a spool file so that large outputs never sit in memory and retries can resend it. */
    private WebhookBody spooled(BodyWriter writer) {
        try {
            Files.createDirectories(spool);
            Path file = Files.createTempFile(spool, "webhook-", ".json");
            try (OutputStream out = Files.newOutputStream(file)) {
                writer.write(out);
            }
            return new WebhookBody.OnDisk(file);
        } catch (IOException e) {
            LOG.error("cannot write webhook body", "error", e.getMessage());
            return null;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
