package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.server.log.Log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the files a finished prompt wrote, from its history entry: every item with a
 * {@code filename} under any output key (images, gifs, videos, audio, ...), with its subfolder and type.
 */
public final class OutputCollector {
    private static final Log LOG = Log.get("prompt.outputs");

    private final Path outputDir;
    private final Path tempDir;

    public OutputCollector(Path outputDir, Path tempDir) {
        this.outputDir = outputDir;
        this.tempDir = tempDir;
    }

    public List<OutputFile> collect(String requestId, JsonNode history) {
        List<OutputFile> files = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (var node : history.path("outputs").properties()) {
            for (var key : node.getValue().properties()) {
                if (!key.getValue().isArray()) continue;
                for (JsonNode item : key.getValue()) {
                    Path path = resolve(item);
                    if (path == null || !seen.add(path)) continue;
                    if (!Files.isRegularFile(path)) {
                        LOG.warn("output listed by ComfyUI is not on disk; skipping", "request_id", requestId,
                                "node", node.getKey(), "path", path);
                        continue;
                    }
                    files.add(new OutputFile(node.getKey(), path, path.getFileName().toString()));
                }
            }
        }
        return files;
    }

    private Path resolve(JsonNode item) {
        if (!item.isObject() || !item.path("filename").isTextual()) return null;
        String type = item.path("type").asText("output");
        Path base = switch (type) {
            case "output" -> outputDir;
            case "temp" -> tempDir;
            default -> null;
        };
        if (base == null) return null;
        Path path = base.resolve(item.path("subfolder").asText("")).resolve(item.get("filename").asText()).normalize();
        return path.startsWith(base) ? path : null;
    }
}
