package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.graph.py.PyJson;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A websocket client that records every JSON frame it receives. */
final class WsClient implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> all = new ArrayList<>();
    private final LinkedBlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    final CountDownLatch closed = new CountDownLatch(1);
    private WebSocket ws;

    static WsClient connect(HttpClient http, URI uri) throws Exception {
        WsClient c = new WsClient();
        c.ws = http.newWebSocketBuilder().buildAsync(uri, c).get(5, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode msg = PyJson.loads(partial.toString());
            partial.setLength(0);
            synchronized (all) {
                all.add(msg);
            }
            inbox.add(msg);
        }
        webSocket.request(1);
        return null;
    }

    private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

    /** Binary frames are recorded in order as {"type": "binary", "event": N, "bytes": base64}. */
    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            byte[] all = binary.toByteArray();
            binary.reset();
            com.fasterxml.jackson.databind.node.ObjectNode msg = PyJson.object();
            msg.put("type", "binary");
            msg.put("event", ByteBuffer.wrap(all).getInt());
            msg.put("bytes", all);
            synchronized (this.all) {
                this.all.add(msg);
            }
            inbox.add(msg);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.add(StandardCharsets.UTF_8.decode(message).toString());
        webSocket.request(1);
        return null;
    }

    /** A ping answered: every frame the server wrote before reading it has been received. */
    void ping() throws InterruptedException {
        String token = UUID.randomUUID().toString();
        ws.sendPing(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8))).join();
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            String pong = pongs.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (pong == null) throw new AssertionError("no pong within 10 s");
            if (pong.equals(token)) return;
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.countDown();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.countDown();
    }

    void sendText(String text) {
        ws.sendText(text, true).join();
    }

    /** Next frame matching the predicate (frames before it are consumed). */
    JsonNode await(Predicate<JsonNode> p, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            JsonNode m = left <= 0 ? null : inbox.poll(left, TimeUnit.MILLISECONDS);
            if (m == null) throw new AssertionError("timed out waiting for a websocket frame; got " + snapshot());
            if (p.test(m)) return m;
        }
    }

    JsonNode awaitType(String type) throws InterruptedException {
        return await(m -> m.path("type").asText().equals(type), 10_000);
    }

    /** Frames up to and including the final {@code executing {node: null}} of the prompt. */
    List<JsonNode> untilDone(String promptId) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        await(m -> {
            out.add(m);
            return isDone(m, promptId);
        }, 15_000);
        return out;
    }

    static boolean isDone(JsonNode m, String promptId) {
        return m.path("type").asText().equals("executing") && m.path("data").path("node").isNull()
                && m.path("data").path("prompt_id").asText().equals(promptId);
    }

    List<JsonNode> snapshot() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    /** No frame arrives within the given time. */
    JsonNode pollQuiet(long ms) throws InterruptedException {
        return inbox.poll(ms, TimeUnit.MILLISECONDS);
    }

    void close() {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            ws.abort();
        }
    }
}
