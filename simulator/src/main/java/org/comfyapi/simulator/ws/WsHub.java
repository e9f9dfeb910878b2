package org.comfyapi.simulator.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.websocket.WsContext;
import org.comfyapi.graph.py.PyJson;
import org.eclipse.jetty.websocket.api.Callback;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The server's websocket registry and its single outbound message pump. Every message goes through one FIFO
 * (like PromptServer.messages), so delivery order equals emission order; recipients are looked up at delivery time.
 */
public final class WsHub implements AutoCloseable {
    /** Supplies what a newly connected socket needs: the queue info and, if mid-execution for it, the node. */
    public interface ConnectState {
        ObjectNode queueInfo();

        String currentClientId();

        String lastNodeId();
    }

    private record Conn(String sid, WsContext ctx) {
    }

    private final Map<String, Conn> sockets = new LinkedHashMap<>();
    private final Map<String, JsonNode> featureFlagsBySid = new ConcurrentHashMap<>();
    private final Map<String, Conn> bySession = new ConcurrentHashMap<>();
    private final Map<String, Boolean> firstMessage = new ConcurrentHashMap<>();
    private final ExecutorService pump = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ws-pump");
        t.setDaemon(true);
        return t;
    });
    private final ConnectState state;
    private final Supplier<JsonNode> serverFeatures;

    public WsHub(ConnectState state, Supplier<JsonNode> serverFeatures) {
        this.state = state;
        this.serverFeatures = serverFeatures;
    }

    /** Queues a JSON event for {@code sid}, or for every socket when sid is null. */
    public void send(String event, JsonNode data, String sid) {
        ObjectNode msg = PyJson.object();
        msg.put("type", event);
        msg.set("data", data);
        String text = PyJson.dumps(msg);
        pump.execute(() -> deliver(sid, conn -> sendText(conn, text)));
    }

    public void sendBinary(byte[] frame, String sid) {
        pump.execute(() -> deliver(sid, conn -> sendBytes(conn, frame)));
    }

    /** Whether the socket registered under sid negotiated supports_preview_metadata. */
    public boolean supportsPreviewMetadata(String sid) {
        if (sid == null) return false;
        JsonNode flags = featureFlagsBySid.get(sid);
        return flags != null && flags.path("supports_preview_metadata").asBoolean(false);
    }

    private void deliver(String sid, java.util.function.Consumer<Conn> action) {
        List<Conn> targets;
        synchronized (sockets) {
            if (sid == null) targets = new ArrayList<>(sockets.values());
            else {
                Conn c = sockets.get(sid);
                targets = c == null ? List.of() : List.of(c);
            }
        }
        for (Conn c : targets) action.accept(c);
    }

    private void sendText(Conn conn, String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            conn.ctx().session.sendText(text, Callback.from(() -> done.complete(null), done::completeExceptionally));
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // as send_socket_catch_exception: a failed send is only logged
        }
    }

    private void sendBytes(Conn conn, byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            conn.ctx().session.sendBinary(ByteBuffer.wrap(data), Callback.from(() -> done.complete(null), done::completeExceptionally));
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // ignored, as above
        }
    }

    public void onConnect(WsContext ctx) {
        String q = ctx.queryParam("clientId");
        String sid = q == null || q.isEmpty() ? UUID.randomUUID().toString().replace("-", "") : q;
        Conn conn = new Conn(sid, ctx);
        bySession.put(ctx.sessionId(), conn);
        firstMessage.put(ctx.sessionId(), true);
        pump.execute(() -> {
            synchronized (sockets) {
                sockets.remove(sid);
                sockets.put(sid, conn);
            }
            featureFlagsBySid.put(sid, PyJson.object());
            ObjectNode data = PyJson.object();
            data.set("status", state.queueInfo());
            data.put("sid", sid);
            ObjectNode msg = PyJson.object();
            msg.put("type", "status");
            msg.set("data", data);
            sendText(conn, PyJson.dumps(msg));
            String lastNode = state.lastNodeId();
            if (sid.equals(state.currentClientId()) && lastNode != null) {
                ObjectNode exec = PyJson.object();
                exec.put("type", "executing");
                exec.set("data", PyJson.object().put("node", lastNode));
                sendText(conn, PyJson.dumps(exec));
            }
        });
    }

    public void onText(WsContext ctx, String text) {
        Conn conn = bySession.get(ctx.sessionId());
        if (conn == null || !firstMessage.getOrDefault(ctx.sessionId(), false)) return;
        JsonNode data;
        try {
            data = PyJson.loads(text);
        } catch (RuntimeException e) {
            return; // logged and ignored; the next message is still treated as first
        }
        if (!data.isObject()) return;
        if ("feature_flags".equals(data.path("type").asText(null))) {
            JsonNode flags = data.has("data") ? data.get("data") : PyJson.object();
            featureFlagsBySid.put(conn.sid(), flags);
            send("feature_flags", serverFeatures.get(), conn.sid());
        }
        firstMessage.put(ctx.sessionId(), false);
    }

    public void onClose(WsContext ctx) {
        Conn conn = bySession.remove(ctx.sessionId());
        firstMessage.remove(ctx.sessionId());
        if (conn == null) return;
        // The cleanup removes whatever is registered under the sid, even a newer socket that reused it.
        pump.execute(() -> {
            synchronized (sockets) {
                sockets.remove(conn.sid());
            }
            featureFlagsBySid.remove(conn.sid());
        });
    }

    /** Abruptly drops every connection without a close handshake (test control). */
    public void dropAll() {
        for (Conn c : new ArrayList<>(bySession.values())) {
            try {
                c.ctx().session.disconnect();
            } catch (Exception ignored) {
                // already gone
            }
        }
    }

    public int openCount() {
        synchronized (sockets) {
            return sockets.size();
        }
    }

    /** Waits until every message queued so far has been handed to the sockets. */
    public void flush(long timeoutMs) {
        try {
            pump.submit(() -> {
            }).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        flush(2000);
        pump.shutdownNow();
    }
}
