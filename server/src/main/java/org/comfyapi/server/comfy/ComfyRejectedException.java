package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;

/** ComfyUI refused a graph at {@code POST /prompt} (its validation 400). */
public final class ComfyRejectedException extends RuntimeException {
    private final int status;
    private final JsonNode body;

    public ComfyRejectedException(int status, String message, JsonNode body) {
        super(message);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** ComfyUI's body: {@code {"error": {...}, "node_errors": {...}}}, or a text node. */
    public JsonNode body() {
        return body;
    }
}
