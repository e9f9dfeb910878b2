package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The markdown table of a workflow's input fields, read from its JSON schema, for the docs. */
final class InputTable {
    private InputTable() {
    }

    static String of(ObjectNode schema) {
        StringBuilder md = new StringBuilder("| Field | Type | Description | Default |\n|---|---|---|---|\n");
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(name -> required.add(name.asText()));
        for (Map.Entry<String, JsonNode> field : schema.path("properties").properties()) {
            JsonNode property = field.getValue();
            md.append("| ").append(cell(field.getKey()))
                    .append(" | ").append(cell(type(property)))
                    .append(" | ").append(cell(property.path("description").asText("")))
                    .append(" | ").append(property.has("default") ? cell(code(property.get("default")))
                            : required.contains(field.getKey()) ? "**Required**" : "")
                    .append(" |\n");
        }
        return md.toString();
    }

    static String type(JsonNode property) {
        if (property.has("enum")) {
            List<String> values = new ArrayList<>();
            property.get("enum").forEach(value -> values.add(code(value)));
            return "enum: " + String.join(", ", values);
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (property.has(combinator)) {
                List<String> types = new ArrayList<>();
                property.get(combinator).forEach(option -> types.add(type(option)));
                return String.join(combinator.equals("allOf") ? " & " : " or ", types);
            }
        }
        String type = property.path("type").asText("any");
        if (type.equals("array")) type = "array of " + type(property.path("items"));
        if (property.path("nullable").asBoolean(false)) type += " (nullable)";
        return type;
    }

    private static String code(JsonNode value) {
        return "`" + (value.isTextual() ? value.asText() : value.toString()) + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
    }
}
