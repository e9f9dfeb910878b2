package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import org.comfyapi.server.log.Log;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The process's one websocket to ComfyUI. It reconnects with backoff whenever it drops, routes each
 * message to the {@link PromptWatch} of its prompt id, and tells listeners about every message.
 */
public final class ComfyEvents implements AutoCloseable {
    private static final Log LOG = Log.get("comfy.ws");
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final long MAX_BACKOFF_MS = 1_000; // ComfyUI is local: reconnect soon, /ready waits on it
    private static final String FEATURE_FLAGS = "{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}";

    private final String clientId;
    private final URI uri;
    private final HttpClient http;
    private final Map<String, PromptWatch> watches = new ConcurrentHashMap<>();
    private final List<Consumer<ComfyMessage>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ComfyPreview>> previewListeners = new CopyOnWriteArrayList<>();
    private volatile WebSocket socket;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile int queueRemaining = -1;
    private Thread loop;

    public ComfyEvents(String clientId, URI uri) {
        this.clientId = clientId;
        this.uri = uri;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    public String clientId() {
        return clientId;
    }

    public void addListener(Consumer<ComfyMessage> listener) {
        listeners.add(listener);
    }

    /** Told about every latent preview ComfyUI sends (only when it runs with a preview method). */
    public void addPreviewListener(Consumer<ComfyPreview> listener) {
        previewListeners.add(listener);
    }

    public synchronized void start() {
        if (loop != null) return;
        loop = Thread.ofVirtual().name("comfy-websocket").start(this::connectLoop);
    }

    public boolean isConnected() {
        return connected;
    }

    /** Last {@code queue_remaining} from a status frame, or -1 before the first one. */
    public int queueRemaining() {
        return queueRemaining;
    }

    public PromptWatch watch(String promptId) {
        return watches.computeIfAbsent(promptId, id -> new PromptWatch());
    }

    public void unwatch(String promptId) {
        watches.remove(promptId);
    }

    /**
     * Ends the wait of every prompt ComfyUI had accepted: used when the ComfyUI process exits. A prompt still
     * being sent is left to its sender, which finds ComfyUI gone and may send it to the next one.
     */
    public void loseAll(String reason) {
        watches.values().stream().filter(w -> w.queuedAt() != 0).forEach(w -> w.finish(new PromptOutcome.Lost(reason)));
    }

    /** Drops the current connection; the loop reconnects. */
    public void reconnect() {
        WebSocket ws = socket;
        if (ws != null) ws.abort();
    }

    private void connectLoop() {
        long backoff = 100;
        while (!closed) {
            CompletableFuture<Void> gone = new CompletableFuture<>();
            try {
                socket = http.newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .buildAsync(uri, new FrameListener(gone))
                        .get(10, TimeUnit.SECONDS);
                watches.values().forEach(PromptWatch::suspect); // frames may have been missed while we were away
                connected = true;
                backoff = 100;
                LOG.info("websocket connected", "url", uri);
                gone.join();
            } catch (Exception e) {
                LOG.debug("websocket connect failed", "url", uri, "error", e.getClass().getSimpleName());
            } finally {
                boolean wasConnected = connected;
                connected = false;
                WebSocket ws = socket;
                if (ws != null) ws.abort();
                if (wasConnected && !closed) {
                    LOG.warn("websocket closed; reconnecting", "url", uri);
                    watches.values().forEach(PromptWatch::nudge);
                }
            }
            if (closed) return;
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void dispatch(String text) {
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (Exception e) {
            LOG.warn("ignoring a websocket frame that is not JSON");
            return;
        }
        if (json == null || !json.path("type").isTextual()) return;
        ComfyMessage message = new ComfyMessage(json.get("type").asText(), json.path("data"));
        if (message.type().equals("status")) {
            JsonNode remaining = message.data().path("status").path("exec_info").path("queue_remaining");
            if (remaining.isNumber()) queueRemaining = remaining.asInt();
        }
        String promptId = message.promptId();
        if (promptId != null) {
            PromptWatch watch = watches.get(promptId);
            if (watch != null) watch.accept(message);
        }
        for (Consumer<ComfyMessage> listener : listeners) {
            try {
                listener.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("event listener failed", "type", message.type(), "error", e.toString());
            }
        }
    }

    private void dispatchBinary(ByteBuffer frame) {
        ComfyPreview.parse(frame).ifPresent(preview -> {
            for (Consumer<ComfyPreview> listener : previewListeners) {
                try {
                    listener.accept(preview);
                } catch (RuntimeException e) {
                    LOG.warn("preview listener failed", "error", e.toString());
                }
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        WebSocket ws = socket;
        if (ws != null) ws.abort();
        if (loop != null) loop.interrupt();
    }

    private final class FrameListener implements WebSocket.Listener {
        private final CompletableFuture<Void> gone;
        private final StringBuilder partial = new StringBuilder();
        private ByteBuffer partialBinary;

        FrameListener(CompletableFuture<Void> gone) {
            this.gone = gone;
        }

        /** Asks for previews with their prompt and node ids (ComfyUI reads only the first message). */
        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText(FEATURE_FLAGS, true);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                dispatch(text);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (!previewListeners.isEmpty()) {
                if (last && partialBinary == null) {
                    dispatchBinary(data);
                } else {
                    ByteBuffer grown = ByteBuffer.allocate((partialBinary == null ? 0 : partialBinary.position()) + data.remaining());
                    if (partialBinary != null) grown.put(partialBinary.flip());
                    partialBinary = grown.put(data);
                    if (last) {
                        dispatchBinary(partialBinary.flip());
                        partialBinary = null;
                    }
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            gone.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            gone.complete(null);
        }
    }
}
