package org.comfyapi.server.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.error.BadInput;

import java.util.Optional;

/**
 * Reads the fields of one JSON object in a request; a missing or mistyped field is a {@link BadInput}
 * whose location is the field's path ({@code prefix.name}, or {@code name} at the top).
 */
public final class RequestFields {
    private final JsonNode node;
    private final String prefix;

    private RequestFields(JsonNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /** The object at {@code location} ("body" for the request itself); anything else is refused. */
    public static RequestFields of(JsonNode node, String location, String prefix) {
        if (node == null || !node.isObject()) throw new BadInput(describe(location) + " must be a JSON object", location);
        return new RequestFields(node, prefix);
    }

    public String location(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** A non-blank string. */
    public String requiredText(String name) {
        return optionalText(name).orElseThrow(() -> new BadInput("\"" + name + "\" is required", location(name)));
    }

    /** A non-blank string, or empty when the field is absent or null. */
    public Optional<String> optionalText(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) return Optional.empty();
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new BadInput("\"" + name + "\" must be a non-empty string", location(name));
        }
        return Optional.of(value.asText());
    }

    /** A string, possibly empty or blank, or empty when the field is absent or null. */
    public Optional<String> anyText(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) return Optional.empty();
        if (!value.isTextual()) throw new BadInput("\"" + name + "\" must be a string", location(name));
        return Optional.of(value.asText());
    }

    public boolean bool(String name, boolean fallback) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) return fallback;
        if (!value.isBoolean()) throw new BadInput("\"" + name + "\" must be true or false", location(name));
        return value.booleanValue();
    }

    private static String describe(String location) {
        return location.equals("body") ? "Request body" : location;
    }
}
