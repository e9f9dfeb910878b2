package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.log.Log;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * ComfyUI's {@code /object_info}, fetched after each ComfyUI start and again when a check against the copy
 * fails in a way a stale copy explains (a model or input file may have appeared since). Concurrent fetches
 * share one call.
 */
public final class NodeDefinitions {
    private static final Log LOG = Log.get("comfy.nodes");

    private final ComfyClient client;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(2);

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
        // Never queue requests behind a fetch from a ComfyUI that stopped answering: the caller can do without.
        try {
            if (!fetching.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ComfyUnavailableException("ComfyUI's node list is still being fetched");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ComfyUnavailableException("interrupted while waiting for ComfyUI's node list");
        }
        try {
            JsonNode info = current;
            if (info != null && info != stale) return info;
            current = client.objectInfo();
            return current;
        } finally {
            fetching.unlock();
        }
    }

    /** ComfyUI (re)started: its nodes may have changed. Fetches them now; a failure leaves it to first use. */
    public void reload() {
        fetching.lock();
        try {
            current = null;
            current = client.objectInfo();
        } catch (ComfyUnavailableException e) {
            LOG.debug("node definitions not fetched; first use will", "error", e.getMessage());
        } finally {
            fetching.unlock();
        }
    }
}
