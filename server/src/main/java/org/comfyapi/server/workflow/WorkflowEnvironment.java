package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.config.Directories;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

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
                .collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue()))));
        modelDirs = Map.copyOf(modelDirs);
        samplers = List.copyOf(samplers);
        schedulers = List.copyOf(schedulers);
        dirs = Map.copyOf(dirs);
    }

    /**
     * The environment of a running server: {@code models} as read from ComfyUI (folder to file names),
     * directories under the seed's names and ours, warmupCkpt from the warmup prompt, port the API's.
     */
    public static WorkflowEnvironment of(Directories config, int port, Map<String, List<String>> models,
                                         List<String> samplers, List<String> schedulers,
                                         Optional<ObjectNode> warmupPrompt) {
        Map<String, String> modelDirs = new TreeMap<>();
        models.keySet().forEach(folder -> modelDirs.put(folder, config.models().resolve(folder).toString()));
        Map<String, String> dirs = new LinkedHashMap<>();
        dirs.put("comfyDir", config.comfyHome().toString());
        dirs.put("comfyHome", config.comfyHome().toString());
        dirs.put("inputDir", config.input().toString());
        dirs.put("outputDir", config.output().toString());
        dirs.put("modelDir", config.models().toString());
        dirs.put("workflowDir", config.workflows().toString());
        dirs.put("cacheDir", config.cache().toString());
        return new WorkflowEnvironment(models, modelDirs, samplers, schedulers,
                warmupPrompt.flatMap(WorkflowEnvironment::warmupCheckpoint), port, dirs);
    }

    /**
     * The choices of a combo input in a node's {@code /object_info} entry (e.g. KSampler's sampler_name),
     * in the classic form {@code [[...choices], {...}]} or the newer {@code ["COMBO", {"options": [...]}]}.
     */
    public static List<String> comboOptions(JsonNode nodeInfo, String input) {
        JsonNode spec = nodeInfo.path("input").path("required").path(input);
        if (spec.isMissingNode()) spec = nodeInfo.path("input").path("optional").path(input);
        JsonNode choices = spec.path(0).isArray() ? spec.path(0) : spec.path(1).path("options");
        List<String> values = new ArrayList<>();
        choices.forEach(choice -> values.add(choice.asText()));
        return values;
    }

    /** The ckpt_name of the first CheckpointLoaderSimple in a prompt, as the seed's config reads it. */
    public static Optional<String> warmupCheckpoint(ObjectNode prompt) {
        for (JsonNode node : prompt) {
            if (node.path("class_type").asText().equals("CheckpointLoaderSimple") && node.at("/inputs/ckpt_name").isTextual()) {
                return Optional.of(node.at("/inputs/ckpt_name").asText());
            }
        }
        return Optional.empty();
    }

    /** Same folders and settings, other model files (e.g. after a download). */
    public WorkflowEnvironment withModels(Map<String, List<String>> newModels, Map<String, String> newModelDirs) {
        return new WorkflowEnvironment(newModels, newModelDirs, samplers, schedulers, warmupCkpt, port, dirs);
    }

    public static WorkflowEnvironment empty() {
        return new WorkflowEnvironment(Map.of(), Map.of(), List.of(), List.of(), Optional.empty(), 0, Map.of());
    }
}
