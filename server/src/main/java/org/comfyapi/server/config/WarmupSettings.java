package org.comfyapi.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.comfyapi.server.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The warmup prompt: read from {@code WARMUP_PROMPT_FILE} at start, or to be fetched from
 * {@code WARMUP_PROMPT_URL}; {@code source} names either.
 */
public record WarmupSettings(Optional<ObjectNode> prompt, Optional<URI> url, Optional<String> source) {
    private static final ObjectMapper JSON = Json.MAPPER;
    public static final WarmupSettings NONE = new WarmupSettings(Optional.empty(), Optional.empty(), Optional.empty());

    static WarmupSettings fromEnv(Env env) {
        Optional<String> file = env.optional("WARMUP_PROMPT_FILE");
        Optional<String> url = env.optional("WARMUP_PROMPT_URL");
        if (file.isPresent() && url.isPresent()) {
            throw new ConfigException("WARMUP_PROMPT_URL", "set only one of WARMUP_PROMPT_FILE and WARMUP_PROMPT_URL");
        }
        Optional<URI> parsedUrl = env.httpUrl("WARMUP_PROMPT_URL");
        return new WarmupSettings(file.map(WarmupSettings::readFile), parsedUrl, file.or(() -> url));
    }

    private static ObjectNode readFile(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("WARMUP_PROMPT_FILE", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        return parse("WARMUP_PROMPT_FILE", text);
    }

    /** A warmup prompt is an API-format graph, or a /prompt body with the graph under "prompt". */
    public static ObjectNode parse(String variable, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(variable, "is not valid JSON: " + e.getOriginalMessage());
        }
        if (node != null && node.path("prompt").isObject()) node = node.get("prompt");
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new ConfigException(variable, "must hold an API-format prompt object");
        }
        for (var entry : node.properties()) {
            if (!entry.getValue().path("class_type").isTextual()) {
                throw new ConfigException(variable, "node \"" + entry.getKey() + "\" has no class_type");
            }
        }
        return (ObjectNode) node;
    }
}
