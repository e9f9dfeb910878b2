package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.locks.ReentrantLock;

/**
 * ComfyUI's {@code /object_info}, fetched on first use after each ComfyUI start and again when a check
 * against the copy fails (a model or input file may have appeared since). Concurrent refetches share one call.
 */
public final class NodeDefinitions {
    private final ComfyClient client;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile JsonNode current;

    public NodeDefinitions(ComfyClient client) {
        this.client = client;
    }

    /** The cached copy, fetched if there is none; throws {@link ComfyUnavailableException}. */
    public JsonNode current() {
        JsonNode info = current;
        return info != null ? info : refetch(null);
    }

    /** A copy newer than {@code stale}: fetched now, unless another caller already replaced it. */
    public JsonNode refetch(JsonNode stale) {
        fetching.lock();
        try {
            JsonNode info = current;
            if (info != null && info != stale) return info;
            current = client.objectInfo();
            return current;
        } finally {
            fetching.unlock();
        }
    }

    /** ComfyUI (re)started: its nodes may have changed. */
    public void invalidate() {
        current = null;
    }
}
