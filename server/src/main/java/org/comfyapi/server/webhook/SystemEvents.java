package org.comfyapi.server.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.comfy.ComfyMessage;
import org.comfyapi.server.log.Log;
import org.comfyapi.server.storage.StorageEvents;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Forwards the chosen ComfyUI websocket events, and our storage events, to {@code SYSTEM_WEBHOOK_URL}
 * as {@code {"event", "data", "metadata"}}, in order, from one background thread: a slow receiver
 * builds a backlog but never slows execution.
 */
public final class SystemEvents implements StorageEvents, AutoCloseable {
    private static final Log LOG = Log.get("webhook.system");
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int BACKLOG = 10_000;

    private final URI url;
    private final Set<String> selected;
    private final ObjectNode metadata;
    private final WebhookSender sender;
    private final Function<String, Optional<String>> requestIdOf;
    private final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>(BACKLOG);
    private final Thread worker;

    public SystemEvents(URI url, Set<String> selected, Map<String, String> metadata, WebhookSender sender,
                        Function<String, Optional<String>> requestIdOf) {
        this.url = url;
        this.selected = selected;
        this.metadata = JSON.valueToTree(metadata);
        this.sender = sender;
        this.requestIdOf = requestIdOf;
        this.worker = Thread.ofVirtual().name("system-webhook").start(this::drain);
    }

    private boolean wants(String event) {
        return selected.contains("all") || selected.contains(event);
    }

    /** A ComfyUI websocket message; sent as {@code comfy.<type>} when selected. */
    public void comfy(ComfyMessage message) {
        if (!wants(message.type())) return;
        JsonNode data = message.data().deepCopy();
        replacePromptIds(data);
        enqueue("comfy." + message.type(), data);
    }

    @Override
    public void downloaded(String url, Path localPath, long size, long millis) {
        storage("storage.file_downloaded", JSON.createObjectNode().put("url", url)
                .put("local_path", localPath.toString()).put("size", size).put("duration", millis));
    }

    @Override
    public void uploaded(Path localPath, String url, long size, long millis) {
        storage("storage.file_uploaded", JSON.createObjectNode().put("local_path", localPath.toString())
                .put("url", url).put("size", size).put("duration", millis));
    }

    @Override
    public void deleted(String url, Path localPath, long size) {
        storage("storage.file_deleted", JSON.createObjectNode().put("url", url)
                .put("local_path", localPath.toString()).put("size", size));
    }

    private void storage(String event, ObjectNode data) {
        if (!wants(event) && !wants("storage")) return;
        enqueue(event, data);
    }

    private void enqueue(String event, JsonNode data) {
        ObjectNode body = JSON.createObjectNode().put("event", event);
        body.set("data", data);
        body.set("metadata", metadata);
        if (!queue.offer(body)) LOG.warn("system webhook backlog full; dropping event", "event", event);
    }

    private void replacePromptIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (var field : object.properties()) {
                JsonNode value = field.getValue();
                if (field.getKey().equals("prompt_id") && value.isTextual()) {
                    requestIdOf.apply(value.asText()).ifPresent(id -> object.put("prompt_id", id));
                } else {
                    replacePromptIds(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(this::replacePromptIds);
        }
    }

    private void drain() {
        try {
            while (true) {
                ObjectNode body = queue.take();
                byte[] bytes;
                try {
                    bytes = JSON.writeValueAsBytes(body);
                } catch (IOException e) {
                    continue;
                }
                sender.deliver(url, "evt_" + UUID.randomUUID(), new WebhookBody.InMemory(bytes), true,
                        body.path("data").path("prompt_id").asText(""));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
