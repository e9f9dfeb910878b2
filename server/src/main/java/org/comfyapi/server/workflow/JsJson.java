package org.comfyapi.server.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.json.Json;

/** JSON crossing the boundary with JavaScript travels as text: stringified there, parsed here. */
final class JsJson {
    private JsJson() {
    }

    static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("JavaScript produced invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode parseObject(String json) {
        if (parse(json) instanceof ObjectNode object) return object;
        throw new IllegalStateException("JavaScript produced JSON that is not an object");
    }
}
