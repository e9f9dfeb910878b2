package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.Urls;
import org.comfyapi.server.webhook.WebhookBody;
import org.comfyapi.server.webhook.WebhookSender;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Sends an asynchronous request's outcome to the webhooks it named: {@code output.complete} per file
 * to the legacy webhook, one signed {@code prompt.complete} to webhook_v2, or {@code prompt.failed}.
 */
final class WebhookDelivery {
    private static final Log LOG = Log.get("prompt.delivery");
    private static final ObjectMapper JSON = Json.MAPPER;

    private final WebhookSender sender;
    private final ResultJsonWriter writer;
    private final Path spool;

    WebhookDelivery(WebhookSender sender, ResultJsonWriter writer, Path spool) {
        this.sender = sender;
        this.writer = writer;
        this.spool = spool;
    }

    void complete(PromptResult result, OutputUploader.Uploaded uploaded) throws InterruptedException {
        PromptRequest request = result.request();
        if (request.webhook().isPresent()) {
            for (OutputFile file : result.files()) {
                WebhookBody body = spooled(out -> writer.writeOutputComplete(out, result, file));
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

    void failed(PromptRequest request, String error) throws InterruptedException {
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

    private void deliver(URI url, String id, WebhookBody body, boolean signed) throws InterruptedException {
        try {
            if (!sender.deliver(url, id, body, signed, id)) {
                LOG.error("webhook gave up after all retries", "request_id", id, "url", Urls.redact(url));
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
