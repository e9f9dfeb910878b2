package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Error bodies quote what the user sent (ComfyUI's node_errors carry the received values); no quoted string
 * is longer than 1 KB, so a huge input never comes back as a huge answer.
 */
final class EchoLimit {
    static final int MAX_CHARS = 1024;

    private EchoLimit() {
    }

    static JsonNode clip(JsonNode node) {
        if (node.isTextual() && node.textValue().length() > MAX_CHARS) {
            String text = node.textValue();
            return TextNode.valueOf(text.substring(0, MAX_CHARS) + "... (" + text.length() + " characters)");
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.properties().forEach(e -> copy.set(e.getKey(), clip(e.getValue())));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(item -> copy.add(clip(item)));
            return copy;
        }
        return node;
    }
}
