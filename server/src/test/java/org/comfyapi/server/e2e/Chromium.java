package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Debian's headless chromium, driven over the DevTools protocol on the JDK's websocket client. */
final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private volatile WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    private Chromium(Process process) {
        this.process = process;
    }

    static Optional<Path> binary() {
        return List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome").stream()
                .map(Path::of).filter(Files::isExecutable).findFirst();
    }

    static Chromium start(Path binary, Path profile) throws Exception {
        int port = Simulator.freePort();
        Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=" + port, "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI list = URI.create("http://127.0.0.1:" + port + "/json/list");
            String[] page = new String[1];
            TestServer.await(() -> (page[0] = pageSocket(http, list)) != null, Duration.ofSeconds(60),
                    "chromium's DevTools endpoint");
            Chromium chromium = new Chromium(process);
            chromium.socket = http.newWebSocketBuilder().buildAsync(URI.create(page[0]), chromium.listener())
                    .get(30, TimeUnit.SECONDS);
            return chromium;
        } catch (Exception | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String pageSocket(HttpClient http, URI list) {
        try {
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode target : targets) {
                if (target.path("type").asText().equals("page")) return target.path("webSocketDebuggerUrl").asText();
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    try {
                        JsonNode reply = JSON.readTree(message.toString());
                        CompletableFuture<JsonNode> call = reply.has("id") ? calls.remove(reply.get("id").asInt()) : null;
                        if (call != null) call.complete(reply);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    message.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }

    JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        calls.put(id, reply);
        ObjectNode request = JSON.createObjectNode().put("id", id).put("method", method);
        request.set("params", params);
        socket.sendText(request.toString(), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode answer = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (answer.has("error")) throw new AssertionError(method + ": " + answer.get("error"));
        return answer.path("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** The value of a JavaScript expression evaluated in the page. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        if (result.has("exceptionDetails")) throw new AssertionError(expression + ": " + result.get("exceptionDetails"));
        return result.path("result").path("value");
    }

    /** Waits until the expression is true in the page (it may act, e.g. click, once its element is there). */
    void awaitTrue(String expression, Duration timeout, String what) throws InterruptedException {
        TestServer.await(() -> {
            try {
                return evaluate(expression).asBoolean(false);
            } catch (Exception e) {
                return false;
            }
        }, timeout, what);
    }

    @Override
    public void close() {
        if (socket != null) socket.abort();
        process.destroyForcibly();
    }
}
