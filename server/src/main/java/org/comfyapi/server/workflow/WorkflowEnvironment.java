package org.comfyapi.server.workflow;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code config} module offered to workflow files is built from. {@code models} maps a model
 * folder (e.g. "checkpoints") to its file names; {@code modelDirs} maps it to its directory;
 * {@code dirs} holds plain string fields spread onto the config (e.g. comfyHome, inputDir, outputDir).
 */
public record WorkflowEnvironment(
        Map<String, List<String>> models,
        Map<String, String> modelDirs,
        List<String> samplers,
        List<String> schedulers,
        Optional<String> warmupCkpt,
        int port,
        Map<String, String> dirs) {

    public WorkflowEnvironment {
        models = Map.copyOf(models.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue()))));
        modelDirs = Map.copyOf(modelDirs);
        samplers = List.copyOf(samplers);
        schedulers = List.copyOf(schedulers);
        dirs = Map.copyOf(dirs);
    }

    public static WorkflowEnvironment empty() {
        return new WorkflowEnvironment(Map.of(), Map.of(), List.of(), List.of(), Optional.empty(), 0, Map.of());
    }
}
