package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** An in-process simulator on an ephemeral port with its own base directory, plus HTTP helpers. */
final class SimHarness implements AutoCloseable {
    final Path base;
    final Simulator sim;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<WsClient> sockets = new ArrayList<>();

    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    SimHarness(Path base, String... extraArgs) throws Exception {
        this.base = base;
        Files.createDirectories(base.resolve("models/checkpoints"));
        Files.writeString(base.resolve("models/checkpoints/sd15.safetensors"), "fake");
        Files.createDirectories(base.resolve("models/loras"));
        Files.writeString(base.resolve("models/loras/style.safetensors"), "fake");
        Log.to(null);
        List<String> args = new ArrayList<>(List.of("--port", "0", "--base-directory", base.toString(), "--step-ms", "2",
                "--dont-print-server"));
        args.addAll(List.of(extraArgs));
        this.sim = Simulator.start(SimulatorConfig.parse(args.toArray(String[]::new)));
    }

    String url(String path) {
        return "http://127.0.0.1:" + sim.port() + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) throw new AssertionError("GET " + path + " -> " + r.statusCode() + " " + r.body());
        return PyJson.loads(r.body());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, JsonNode body) throws IOException, InterruptedException {
        return post(path, PyJson.dumps(body));
    }

    /** POST /prompt that must be accepted; returns the response body. */
    JsonNode queuePrompt(ObjectNode graph, String clientId) throws IOException, InterruptedException {
        ObjectNode body = PyJson.object();
        body.set("prompt", graph);
        if (clientId != null) body.put("client_id", clientId);
        HttpResponse<String> r = post("/prompt", body);
        if (r.statusCode() != 200) throw new AssertionError("POST /prompt -> " + r.statusCode() + " " + r.body());
        return PyJson.loads(r.body());
    }

    WsClient connect(String clientId) throws Exception {
        WsClient c = WsClient.connect(http, URI.create("ws://127.0.0.1:" + sim.port() + "/ws" + (clientId == null ? "" : "?clientId=" + clientId)));
        sockets.add(c);
        return c;
    }

    /** Connects and waits for the initial status frame that every new socket receives. */
    WsClient connectReady(String clientId) throws Exception {
        WsClient c = connect(clientId);
        c.awaitType("status");
        return c;
    }

    static String newClientId() {
        return UUID.randomUUID().toString();
    }

    /** Multipart POST with a single file part named "image" and text fields. */
    HttpResponse<String> upload(String path, String filename, byte[] content, String... fields) throws IOException, InterruptedException {
        String boundary = "----sim" + UUID.randomUUID();
        var out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls GET /history/{id} until the entry exists (it is written just before the final executing null). */
    JsonNode awaitHistory(String promptId) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode h = getJson("/history/" + promptId);
            if (h.has(promptId)) return h.get(promptId);
            Thread.sleep(10);
        }
        throw new AssertionError("no history for " + promptId);
    }

    /** Polls until the simulator has this many websocket client ids registered. */
    void awaitWebSocketCount(int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (sim.webSocketCount() != expected) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("websockets registered: " + sim.webSocketCount() + ", expected " + expected);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        sockets.forEach(WsClient::close);
        sim.close();
    }
}
