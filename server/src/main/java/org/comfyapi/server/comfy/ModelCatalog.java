package org.comfyapi.server.comfy;

import org.comfyapi.server.log.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Model files per folder: asked of ComfyUI, or read from {@code MODEL_DIR} when ComfyUI can't say. */
public final class ModelCatalog {
    private static final Log LOG = Log.get("models");

    private final ComfyClient client;
    private final Path modelDir;

    public ModelCatalog(ComfyClient client, Path modelDir) {
        this.client = client;
        this.modelDir = modelDir;
    }

    public Map<String, List<String>> all() {
        try {
            Map<String, List<String>> models = new TreeMap<>();
            for (String folder : client.modelFolders()) models.put(folder, client.models(folder));
            return models;
        } catch (ComfyUnavailableException e) {
            LOG.debug("ComfyUI model list unavailable; scanning MODEL_DIR", "error", e.getMessage());
            return scan();
        }
    }

    Map<String, List<String>> scan() {
        Map<String, List<String>> models = new TreeMap<>();
        if (!Files.isDirectory(modelDir)) return models;
        try (Stream<Path> folders = Files.list(modelDir)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(folder)) {
                    models.put(folder.getFileName().toString(), files.filter(Files::isRegularFile)
                            .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                            .filter(name -> !name.startsWith("."))
                            .sorted().toList());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read MODEL_DIR", "path", modelDir, "error", e.getMessage());
        }
        return models;
    }
}
