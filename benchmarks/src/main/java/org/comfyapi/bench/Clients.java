package org.comfyapi.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** The two ways of running a graph that the overhead figures compare. */
final class Clients {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Clients() {
    }

    /** One request: runs a graph and reads every output byte; returns the bytes read. */
    interface Runner extends AutoCloseable {
        long run(ObjectNode graph) throws Exception;

        @Override
        default void close() {
        }
    }

    /** Makes one runner per concurrent worker. */
    interface RunnerFactory {
        Runner open() throws Exception;
    }

    static long drain(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) total += n;
        }
        return total;
    }

    /** Through our server: POST /prompt, synchronous base64 answer read to the end. */
    static RunnerFactory api(String base) {
        URI uri = URI.create(base + "/prompt");
        return () -> graph -> {
            ObjectNode body = JSON.createObjectNode();
            body.set("prompt", graph);
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
            HttpResponse<InputStream> res = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
            long n = drain(res.body());
            if (res.statusCode() != 200) throw new IOException("POST /prompt answered " + res.statusCode());
            return n;
        };
    }

    /**
     * Straight to ComfyUI, as a careful client does it: a websocket with our client_id opened once, POST
     * /prompt with client_id and our own prompt_id, wait for {@code executing} with node null for that prompt
     * (the history entry is written just before it, after {@code execution_success}), GET /history/{id}, then
     * GET /view of each output, read to the end.
     */
    static RunnerFactory direct(String base) {
        return () -> new Direct(base);
    }

    private static final class Direct implements Runner, WebSocket.Listener {
        private final String base;
        private final String clientId = UUID.randomUUID().toString();
        private final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket ws;

        Direct(String base) throws Exception {
            this.base = base;
            this.ws = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create(base.replace("http://", "ws://") + "/ws?clientId=" + clientId), this)
                    .get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    handle(JSON.readTree(text));
                } catch (IOException e) {
                    // not JSON: ignore
                }
            }
            webSocket.request(1);
            return null;
        }

        private void handle(JsonNode msg) {
            String type = msg.path("type").asText();
            JsonNode data = msg.path("data");
            String id = data.path("prompt_id").asText(null);
            if (id == null) return;
            CompletableFuture<Void> f = waiting.get(id);
            if (f == null) return;
            switch (type) {
                case "executing" -> {
                    if (data.path("node").isNull()) f.complete(null);
                }
                case "execution_error", "execution_interrupted" ->
                        f.completeExceptionally(new IOException(type + ": " + data));
                default -> {
                }
            }
        }

        @Override
        public long run(ObjectNode graph) throws Exception {
            String promptId = UUID.randomUUID().toString();
            CompletableFuture<Void> done = new CompletableFuture<>();
            waiting.put(promptId, done);
            try {
                ObjectNode body = JSON.createObjectNode();
                body.set("prompt", graph);
                body.put("client_id", clientId);
                body.put("prompt_id", promptId);
                HttpResponse<byte[]> posted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/prompt"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (posted.statusCode() != 200) {
                    throw new IOException("POST /prompt answered " + posted.statusCode() + ": "
                            + new String(posted.body(), StandardCharsets.UTF_8));
                }
                done.get(10, TimeUnit.MINUTES);
            } finally {
                waiting.remove(promptId);
            }
            HttpResponse<byte[]> history = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/history/" + promptId))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode outputs = JSON.readTree(history.body()).path(promptId).path("outputs");
            long total = 0;
            for (JsonNode node : outputs) {
                for (JsonNode img : node.path("images")) {
                    String q = "filename=" + enc(img.path("filename").asText()) + "&subfolder="
                            + enc(img.path("subfolder").asText()) + "&type=" + enc(img.path("type").asText());
                    HttpResponse<InputStream> view = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/view?" + q))
                            .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                    total += drain(view.body());
                    if (view.statusCode() != 200) throw new IOException("GET /view answered " + view.statusCode());
                }
            }
            if (total == 0) throw new IOException("no output in /history for " + promptId);
            return total;
        }

        @Override
        public void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** LoadImage(file in ComfyUI's input folder) → SaveImage. */
    static IntFunction<ObjectNode> loadSave(String inputFile) {
        return i -> {
            ObjectNode g = JSON.createObjectNode();
            ObjectNode load = g.putObject("1");
            load.put("class_type", "LoadImage");
            load.putObject("inputs").put("image", inputFile);
            ObjectNode save = g.putObject("2");
            save.put("class_type", "SaveImage");
            save.putObject("inputs").put("filename_prefix", "bench" + i).putArray("images").add("1").add(0);
            return g;
        };
    }

    /** EmptyImage(w×h, colour) → [SimulatorFault slow ms] → SaveImage. A new colour per request defeats the cache. */
    static ObjectNode emptySave(int side, int color, int slowMs) {
        ObjectNode g = JSON.createObjectNode();
        ObjectNode empty = g.putObject("1");
        empty.put("class_type", "EmptyImage");
        empty.putObject("inputs").put("width", side).put("height", side).put("batch_size", 1).put("color", color);
        String imageFrom = "1";
        if (slowMs > 0) {
            ObjectNode slow = g.putObject("3");
            slow.put("class_type", "SimulatorFault");
            ObjectNode in = slow.putObject("inputs").put("mode", "slow").put("ms", slowMs);
            in.putArray("images").add("1").add(0);
            imageFrom = "3";
        }
        ObjectNode save = g.putObject("2");
        save.put("class_type", "SaveImage");
        save.putObject("inputs").put("filename_prefix", "bench").putArray("images").add(imageFrom).add(0);
        return g;
    }
}
