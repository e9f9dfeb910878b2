package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class WorkflowEnvironmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void builtFromTheServerConfig() throws Exception {
        Path warmup = Files.writeString(dir.resolve("warmup.json"), """
                {"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 512}},
                 "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "warm.safetensors"}}}""");
        Config config = Config.load(Map.of("COMFY_HOME", "/srv/comfy", "PORT", "4000",
                "WORKFLOW_DIR", dir.toString(), "WARMUP_PROMPT_FILE", warmup.toString()));

        WorkflowEnvironment environment = WorkflowEnvironment.of(config.dirs(), config.http().port(),
                Map.of("checkpoints", List.of("warm.safetensors"), "loras", List.of()), List.of("euler"), List.of("normal"),
                config.warmup().prompt());

        assertThat(environment.warmupCkpt()).contains("warm.safetensors");
        assertThat(environment.port()).isEqualTo(4000);
        assertThat(environment.modelDirs()).isEqualTo(Map.of("checkpoints", "/srv/comfy/models/checkpoints",
                "loras", "/srv/comfy/models/loras"));
        assertThat(environment.dirs()).containsEntry("comfyDir", "/srv/comfy").containsEntry("comfyHome", "/srv/comfy")
                .containsEntry("inputDir", "/srv/comfy/input").containsEntry("outputDir", "/srv/comfy/output")
                .containsEntry("modelDir", "/srv/comfy/models").containsEntry("workflowDir", dir.toString());

        WorkflowEnvironment later = environment.withModels(Map.of("checkpoints", List.of("warm.safetensors", "new.ckpt")),
                Map.of("checkpoints", "/srv/comfy/models/checkpoints"));
        assertThat(later.models().get("checkpoints")).containsExactly("warm.safetensors", "new.ckpt");
        assertThat(later.warmupCkpt()).isEqualTo(environment.warmupCkpt());

        Workflows.write(dir, "where.js", """
                const { z } = require("zod");
                const config = require("../config");
                module.exports = { RequestSchema: z.object({}), generateWorkflow: () => ({ "1": { class_type: "Where",
                  inputs: { comfyDir: config.comfyDir, inputDir: config.inputDir, port: config.wrapperPort,
                            ckpts: config.models.checkpoints.dir } } }) };
                """);
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, environment, 1)) {
            assertThat(registry.find("where").orElseThrow().generate(JSON.createObjectNode()).prompt().at("/1/inputs"))
                    .isEqualTo(JSON.readTree("""
                            {"comfyDir": "/srv/comfy", "inputDir": "/srv/comfy/input", "port": 4000,
                             "ckpts": "/srv/comfy/models/checkpoints"}"""));
        }
    }

    @Test
    void theWarmupCheckpointIsTheFirstCheckpointLoader() throws Exception {
        assertThat(WorkflowEnvironment.warmupCheckpoint((ObjectNode) JSON.readTree(
                "{\"1\": {\"class_type\": \"KSampler\", \"inputs\": {}}}"))).isEmpty();
        assertThat(WorkflowEnvironment.warmupCheckpoint((ObjectNode) JSON.readTree(
                "{\"1\": {\"class_type\": \"CheckpointLoaderSimple\", \"inputs\": {\"ckpt_name\": \"a\"}}}"))).contains("a");
        assertThat(WorkflowEnvironment.empty().warmupCkpt()).isEqualTo(Optional.empty());
    }
}
