package org.comfyapi.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A value that validates against a JSON schema, for "Try it out": each property's default, or for a
 * required property without one its example, first choice, minimum or a plain value of its type.
 * Optional properties with choices get their first choice too: workflows list model files that way,
 * and a graph without its model fails at ComfyUI.
 */
final class SchemaExample {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaExample() {
    }

    static JsonNode of(JsonNode schema) {
        if (schema.has("default")) return schema.get("default");
        if (schema.has("example")) return schema.get("example");
        if (schema.has("const")) return schema.get("const");
        if (schema.path("enum").size() > 0) return schema.get("enum").get(0);
        if (schema.path("anyOf").size() > 0) return of(schema.get("anyOf").get(0));
        return switch (schema.path("type").asText("object")) {
            case "string" -> JSON.getNodeFactory().textNode("example");
            case "integer" -> JSON.getNodeFactory().numberNode(schema.path("minimum").asLong(0));
            case "number" -> JSON.getNodeFactory().numberNode(schema.path("minimum").asDouble(0));
            case "boolean" -> JSON.getNodeFactory().booleanNode(false);
            case "array" -> JSON.createArrayNode();
            default -> object(schema);
        };
    }

    private static ObjectNode object(JsonNode schema) {
        ObjectNode example = JSON.createObjectNode();
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
            JsonNode propertySchema = property.getValue();
            if (propertySchema.has("default") || required.contains(property.getKey())
                    || propertySchema.path("enum").size() > 0) {
                example.set(property.getKey(), of(propertySchema));
            }
        }
        return example;
    }
}
