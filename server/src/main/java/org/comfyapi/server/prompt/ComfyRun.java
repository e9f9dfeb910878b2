package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/** A prompt that ComfyUI finished successfully: its history entry and when things happened. */
public record ComfyRun(String comfyPromptId, JsonNode history, long executionStart, long executionEnd,
                       Map<String, Long> nodeStarts) {
}
