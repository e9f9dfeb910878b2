package org.comfyapi.server.comfy;

import com.fasterxml.jackson.databind.JsonNode;

/** How a prompt ended at ComfyUI, as told by the websocket or the history. */
public sealed interface PromptOutcome {
    record Succeeded(long timestamp) implements PromptOutcome {}

    /** {@code execution_error}: data has exception_message, node_id, node_type, ... */
    record Failed(JsonNode data) implements PromptOutcome {}

    /** {@code execution_interrupted}: data has node_id, node_type. */
    record Interrupted(JsonNode data) implements PromptOutcome {}

    /** The prompt can no longer finish: ComfyUI died, or the prompt left the queue unrun. */
    record Lost(String reason) implements PromptOutcome {}

    /** We gave up on the prompt (the server is stopping) and asked ComfyUI to drop it. */
    record Stopped(String reason) implements PromptOutcome {}
}
