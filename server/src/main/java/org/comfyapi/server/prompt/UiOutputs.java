package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The non-file outputs of a finished prompt: from each node's entry in the history {@code outputs},
 * every key that is not a list of files ({@code text} of PreviewAny, {@code animated}, a custom node's
 * values), as {@code {"<node id>": {"<key>": <value>}}}. Empty lists carry nothing and are left out.
 */
public final class UiOutputs {
    private UiOutputs() {
    }

    public static ObjectNode from(JsonNode history) {
        ObjectNode ui = JsonNodeFactory.instance.objectNode();
        for (var node : history.path("outputs").properties()) {
            if (!node.getValue().isObject()) continue;
            ObjectNode values = JsonNodeFactory.instance.objectNode();
            for (var key : node.getValue().properties()) {
                JsonNode value = key.getValue();
                if (value.isArray() && value.isEmpty()) continue;
                if (!isFileList(value)) values.set(key.getKey(), value);
            }
            if (!values.isEmpty()) ui.set(node.getKey(), values);
        }
        return ui;
    }

    private static boolean isFileList(JsonNode value) {
        if (!value.isArray()) return false;
        for (JsonNode item : value) {
            if (!item.isObject() || !item.path("filename").isTextual()) return false;
        }
        return true;
    }
}
