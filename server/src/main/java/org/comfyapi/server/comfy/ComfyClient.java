package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** ComfyUI's HTTP API. Every call has a timeout; failures become {@link ComfyUnavailableException}. */
public final class ComfyClient {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The node list is only for our graph check, which a run can do without: a frozen ComfyUI must not hold it long. */
    private static final Duration OBJECT_INFO_TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;

    public ComfyClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .proxy(HttpClient.Builder.NO_PROXY)
                .version(HttpClient.Version.HTTP_1_1) // ComfyUI (aiohttp) never upgrades to h2c
                .build();
    }

    public record Queued(String promptId, int number) {}

    /** {@code GET /}: true when ComfyUI's web server answers 2xx. */
    public boolean isUp() {
        try {
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/")).timeout(Duration.ofSeconds(2)).GET().build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status >= 200 && status < 300;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code POST /prompt}; {@code front} queues it ahead of every pending prompt. */
    public Queued queue(JsonNode graph, String clientId, String promptId, boolean front) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("prompt", graph);
        body.put("client_id", clientId);
        body.put("prompt_id", promptId);
        if (front) body.put("front", true);
        HttpResponse<String> response = send(post("/prompt", body));
        JsonNode json = parseOrText(response.body());
        if (response.statusCode() == 200) {
            String id = json.path("prompt_id").asText(null);
            if (id == null) throw new ComfyUnavailableException("ComfyUI accepted the prompt without a prompt_id");
            return new Queued(id, json.path("number").asInt());
        }
        String message = json.path("error").isObject()
                ? json.path("error").path("message").asText("ComfyUI rejected the prompt")
                : json.path("error").asText(response.body());
        throw new ComfyRejectedException(response.statusCode(), message, json);
    }

    /** The history entry of a prompt, empty while it is queued, running or unknown. */
    public Optional<JsonNode> history(String promptId) {
        HttpResponse<String> response = send(get("/history/" + encode(promptId)));
        requireOk(response, "/history");
        JsonNode entry = parse(response.body()).get(promptId);
        return Optional.ofNullable(entry).filter(JsonNode::isObject);
    }

    public void interrupt(String promptId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("prompt_id", promptId);
        requireOk(send(post("/interrupt", body)), "/interrupt");
    }

    public void deleteFromQueue(String promptId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putArray("delete").add(promptId);
        requireOk(send(post("/queue", body)), "/queue");
    }

    /** Prompt ids running, and pending in the order they will run (ComfyUI lists its heap unsorted). */
    public record QueueState(List<String> running, List<String> pending) {}

    public QueueState queueState() {
        HttpResponse<String> response = send(get("/queue"));
        requireOk(response, "/queue");
        JsonNode json = parse(response.body());
        return new QueueState(ids(json.path("queue_running")), ids(json.path("queue_pending")));
    }

    private static List<String> ids(JsonNode items) {
        List<JsonNode> sorted = new ArrayList<>();
        items.forEach(sorted::add);
        sorted.sort(Comparator.comparingDouble(item -> item.path(0).asDouble()));
        List<String> ids = new ArrayList<>();
        for (JsonNode item : sorted) ids.add(item.path(1).asText());
        return ids;
    }

    /** {@code GET /prompt}: pending plus running. */
    public int queueRemaining() {
        HttpResponse<String> response = send(get("/prompt"));
        requireOk(response, "/prompt");
        return parse(response.body()).path("exec_info").path("queue_remaining").asInt();
    }

    public List<String> modelFolders() {
        HttpResponse<String> response = send(get("/models"));
        requireOk(response, "/models");
        List<String> folders = new ArrayList<>();
        parse(response.body()).forEach(n -> folders.add(n.asText()));
        return folders;
    }

    public List<String> models(String folder) {
        HttpResponse<String> response = send(get("/models/" + encode(folder)));
        if (response.statusCode() == 404) return List.of();
        requireOk(response, "/models/" + folder);
        List<String> files = new ArrayList<>();
        parse(response.body()).forEach(n -> files.add(n.asText()));
        return files;
    }

    /** {@code GET /object_info}: every node class's definition. */
    public JsonNode objectInfo() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/object_info"))
                .timeout(OBJECT_INFO_TIMEOUT).GET().build());
        requireOk(response, "/object_info");
        JsonNode info = parse(response.body());
        if (!info.isObject()) throw new ComfyUnavailableException("ComfyUI's /object_info is not an object");
        return info;
    }

    /** {@code GET /object_info/{class}}: the node definition, or an empty object. */
    public JsonNode objectInfo(String nodeClass) {
        HttpResponse<String> response = send(get("/object_info/" + encode(nodeClass)));
        requireOk(response, "/object_info");
        return parse(response.body()).path(nodeClass);
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
    }

    private HttpRequest post(String path, JsonNode body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ComfyUnavailableException("ComfyUI is not reachable at " + base + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComfyUnavailableException("interrupted while calling ComfyUI", e);
        }
    }

    private static void requireOk(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new ComfyUnavailableException("ComfyUI answered " + response.statusCode() + " to " + what);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ComfyUnavailableException("ComfyUI sent invalid JSON", e);
        }
    }

    private static JsonNode parseOrText(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JsonNodeFactory.instance.textNode("") : node;
        } catch (IOException e) {
            return JsonNodeFactory.instance.textNode(body);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
