package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;

/** One JSON frame from ComfyUI's websocket: {@code {"type", "data"}}. */
public record ComfyMessage(String type, JsonNode data) {
    public String promptId() {
        JsonNode id = data.get("prompt_id");
        return id == null || id.isNull() ? null : id.asText();
    }
}
