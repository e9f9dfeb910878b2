package org.comfyapi.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.comfyapi.server.json.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to install before ComfyUI starts ({@code MANIFEST} file, YAML or JSON, or {@code MANIFEST_JSON}):
 * apt packages, pip packages, custom nodes, and models to download before or after start.
 */
public record Manifest(List<String> apt, List<String> pip, List<String> customNodes, List<ModelFile> beforeStart,
                       List<ModelFile> afterStart) {

    public record ModelFile(String url, String localPath) {
    }

    public static Manifest empty() {
        return new Manifest(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return apt.isEmpty() && pip.isEmpty() && customNodes.isEmpty() && beforeStart.isEmpty() && afterStart.isEmpty();
    }

    public static Optional<Manifest> fromEnv(Map<String, String> env) {
        String inline = env.get("MANIFEST_JSON");
        String file = env.get("MANIFEST");
        if (inline != null && !inline.isBlank()) return Optional.of(parse("MANIFEST_JSON", inline, Json.MAPPER));
        if (file == null || file.isBlank()) return Optional.empty();
        String text;
        try {
            text = Files.readString(Path.of(file.trim()));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("MANIFEST", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        ObjectMapper mapper = file.endsWith(".json") ? Json.MAPPER : new YAMLMapper();
        return Optional.of(parse("MANIFEST", text, mapper));
    }

    static Manifest parse(String variable, String text, ObjectMapper mapper) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException e) {
            throw new ConfigException(variable, "is not valid " + (mapper instanceof YAMLMapper ? "YAML" : "JSON")
                    + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isNull() || root.isMissingNode()) return empty();
        if (!root.isObject()) throw new ConfigException(variable, "must be an object");
        JsonNode models = root.path("models");
        return new Manifest(strings(variable, root, "apt"), strings(variable, root, "pip"),
                strings(variable, root, "custom_nodes"),
                modelFiles(variable, models, "before_start"), modelFiles(variable, models, "after_start"));
    }

    private static List<String> strings(String variable, JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new ConfigException(variable, field + " must be a list of strings");
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw new ConfigException(variable, field + " must be a list of strings");
            }
            values.add(item.asText().trim());
        }
        return values;
    }

    private static List<ModelFile> modelFiles(String variable, JsonNode models, String field) {
        JsonNode node = models.get(field);
        if (node == null || node.isNull()) return List.of();
        if (!node.isArray()) throw new ConfigException(variable, "models." + field + " must be a list");
        List<ModelFile> files = new ArrayList<>();
        int i = 0;
        for (JsonNode item : node) {
            String where = "models." + field + "[" + i++ + "]";
            if (!item.path("url").isTextual() || !item.path("local_path").isTextual()) {
                throw new ConfigException(variable, where + " needs \"url\" and \"local_path\" strings");
            }
            files.add(new ModelFile(item.get("url").asText(), item.get("local_path").asText()));
        }
        return files;
    }
}
