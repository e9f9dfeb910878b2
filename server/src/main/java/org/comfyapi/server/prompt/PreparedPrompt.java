package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A request whose graph has been preprocessed once, ready to run; {@code startedAt} is when it arrived. */
public record PreparedPrompt(PromptRequest request, ObjectNode graph, long startedAt) {
}
