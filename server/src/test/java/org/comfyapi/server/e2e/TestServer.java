package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.App;
import org.comfyapi.server.config.Config;
import org.comfyapi.server.prompt.RunListener;
import org.comfyapi.server.storage.StorageSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Our server, in this JVM, in front of the simulator it launched as a child process. Talks to it over
 * real HTTP.
 */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path home;
    final int comfyPort;
    final App app;
    final CompletableFuture<Integer> fatalExit = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, String body, HttpHeaders headers) {
        Response(int status, String body) {
            this(status, body, HttpHeaders.of(Map.of(), (a, b) -> true));
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private TestServer(Path home, int comfyPort, App app) {
        this.home = home;
        this.comfyPort = comfyPort;
        this.app = app;
    }

    static TestServer start(Path home, Map<String, String> env, String... simulatorFlags) throws Exception {
        return start(home, env, RunListener.NONE, simulatorFlags);
    }

    static TestServer start(Path home, Map<String, String> env, RunListener listener, String... simulatorFlags)
            throws Exception {
        return start(home, env, listener, Simulator.freePort(), port -> Simulator.command(home, port, simulatorFlags));
    }

    /** With a CMD of the test's own making (a wrapper script, say) for ComfyUI on {@code comfyPort}. */
    static TestServer start(Path home, Map<String, String> env, int comfyPort, IntFunction<String> cmd) throws Exception {
        return start(home, env, RunListener.NONE, comfyPort, cmd);
    }

    private static TestServer start(Path home, Map<String, String> env, RunListener listener, int comfyPort,
                                    IntFunction<String> cmd) throws Exception {
        Files.createDirectories(home.resolve("models/checkpoints"));
        Files.writeString(home.resolve("models/checkpoints/sd15.safetensors"), "not really a model");
        Map<String, String> all = new HashMap<>();
        all.put("CMD", cmd.apply(comfyPort));
        all.put("COMFY_HOME", home.toString());
        all.put("COMFYUI_PORT_HOST", String.valueOf(comfyPort));
        all.put("HOST", "127.0.0.1");
        all.put("PORT", "0");
        all.put("STARTUP_CHECK_INTERVAL_S", "0.2");
        all.put("STARTUP_CHECK_MAX_TRIES", "100");
        all.put("LOG_LEVEL", "warn");
        all.put("HOME", home.toString());
        all.putAll(env);
        App app = null;
        TestServer server = null;
        try {
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            app = new App(Config.load(all), StorageSettings.fromEnv(all), listener, exit::complete);
            server = new TestServer(home, comfyPort, app);
            exit.thenAccept(server.fatalExit::complete);
            app.start();
            return server;
        } catch (Exception | Error e) {
            if (app != null) app.close();
            throw e;
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    URI comfy(String path) {
        return URI.create("http://127.0.0.1:" + comfyPort + path);
    }

    Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    /** POST /download of a checkpoint from {@code url}, waiting until it is in place. */
    Response downloadCheckpoint(URI url, String filename) throws Exception {
        return post("/download", """
                {"url": "%s", "model_type": "checkpoints", "filename": "%s", "wait": true}"""
                .formatted(url, filename));
    }

    Response post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    CompletableFuture<Response> postAsync(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers()));
    }

    Response comfyPost(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(comfy(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Response comfyGet(String path) throws Exception {
        return send(HttpRequest.newBuilder(comfy(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    Response send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers());
    }

    /** Waits until ComfyUI reports something running (its queue has the prompt). */
    void awaitComfyRunning() throws Exception {
        await(() -> {
            try {
                return comfyGet("/queue").json().path("queue_running").size() > 0;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), "a prompt running at ComfyUI");
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
