package org.comfyapi.server.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.charset.StandardCharsets;

/** Test fixtures: the seed README's text-to-image file, an environment, and files written into a WORKFLOW_DIR. */
final class Workflows {
    static final String CKPT = "dreamshaper_8.safetensors";
    static final String OTHER_CKPT = "sd_xl_base_1.0.safetensors";

    private Workflows() {
    }

    /** The example from the seed README's "Generating New Workflow Endpoints", byte for byte. */
    static String seedTxt2Img() {
        try (InputStream in = Workflows.class.getResourceAsStream("/workflow/txt2img.ts")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WorkflowEnvironment environment() {
        return environment(Optional.of(CKPT), List.of(CKPT, OTHER_CKPT));
    }

    static WorkflowEnvironment environment(Optional<String> warmupCkpt, List<String> checkpoints) {
        return new WorkflowEnvironment(
                Map.of("checkpoints", checkpoints, "loras", List.of("detail.safetensors"), "vae", List.of()),
                Map.of("checkpoints", "/opt/ComfyUI/models/checkpoints", "loras", "/opt/ComfyUI/models/loras",
                        "vae", "/opt/ComfyUI/models/vae"),
                List.of("euler", "euler_ancestral", "dpmpp_2m"),
                List.of("normal", "karras"),
                warmupCkpt,
                3000,
                Map.of("comfyHome", "/opt/ComfyUI", "inputDir", "/opt/ComfyUI/input",
                        "outputDir", "/opt/ComfyUI/output", "modelDir", "/opt/ComfyUI/models"));
    }

    static Path write(Path dir, String relative, String content) {
        try {
            Path file = dir.resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plain CommonJS workflow whose graph echoes its input. */
    static String echoJs(String summary) {
        return """
                const { z } = require("zod");
                module.exports = {
                  summary: "%s",
                  RequestSchema: z.object({ text: z.string().default("hi"), n: z.number().int().default(1) }),
                  generateWorkflow: (input) => ({ "1": { class_type: "Echo", inputs: input } }),
                };
                """.formatted(summary);
    }
}
