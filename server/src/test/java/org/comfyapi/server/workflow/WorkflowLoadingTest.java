package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which files load, how they import each other and the config, and how generateWorkflow's failures surface. */
class WorkflowLoadingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WorkflowRegistry load() {
        return WorkflowRegistry.load(dir, Workflows.environment(), 2);
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void aPlainJavaScriptModuleExportsFileLoads() throws Exception {
        Workflows.write(dir, "echo.js", Workflows.echoJs("Echo"));
        try (WorkflowRegistry registry = load()) {
            WorkflowEndpoint echo = registry.find("echo").orElseThrow();
            assertThat(echo.summary()).contains("Echo");
            assertThat(echo.description()).isEmpty();
            Generated generated = echo.generate(json("{\"n\": 3}"));
            assertThat(generated.input()).isEqualTo(json("{\"text\": \"hi\", \"n\": 3}"));
            assertThat(generated.prompt()).isEqualTo(json("{\"1\": {\"class_type\": \"Echo\", \"inputs\": {\"text\": \"hi\", \"n\": 3}}}"));
        }
    }

    @Test
    void exportsDefaultAndEsModuleJavaScriptLoadToo() throws Exception {
        Workflows.write(dir, "cjs-default.js", """
                const { z } = require("zod");
                exports.default = { RequestSchema: z.object({}), generateWorkflow: () => ({ "1": { class_type: "A", inputs: {} } }) };
                """);
        Workflows.write(dir, "esm.js", """
                import { z } from "zod";
                export default { RequestSchema: z.object({}), generateWorkflow: () => ({ "1": { class_type: "B", inputs: {} } }) };
                """);
        try (WorkflowRegistry registry = load()) {
            assertThat(registry.find("cjs-default").orElseThrow().generate(json("{}")).prompt().at("/1/class_type").asText())
                    .isEqualTo("A");
            assertThat(registry.find("esm").orElseThrow().generate(json("{}")).prompt().at("/1/class_type").asText())
                    .isEqualTo("B");
        }
    }

    @Test
    void nestedFoldersGiveNestedRoutes() {
        Workflows.write(dir, "a/b/c.js", Workflows.echoJs("deep"));
        Workflows.write(dir, "a/b.ts", Workflows.echoJs("middle"));
        Workflows.write(dir, "top.js", Workflows.echoJs("top"));
        Workflows.write(dir, "a/types.d.ts", "export type X = string;");
        Workflows.write(dir, "a/readme.md", "not a workflow");
        Workflows.write(dir, "node_modules/x/index.js", "throw new Error('never loaded')");
        try (WorkflowRegistry registry = load()) {
            assertThat(registry.endpoints()).extracting(WorkflowEndpoint::route).containsExactly("a/b", "a/b/c", "top");
            assertThat(registry.find("a/b/c").orElseThrow().summary()).contains("deep");
        }
    }

    @Test
    void brokenFilesAreLoggedAndSkippedWhileGoodOnesLoad() throws Exception {
        Workflows.write(dir, "good.js", Workflows.echoJs("good"));
        Workflows.write(dir, "broken-syntax.ts", "import { z } from \"zod\";\nconst x = {;\nexport default x;\n");
        Workflows.write(dir, "broken-js.js", "module.exports = { RequestSchema: ;");
        Workflows.write(dir, "throws.ts", "throw new Error(\"exploded at load\");\n");
        Workflows.write(dir, "no-export.ts", "export const answer = 42;\n");
        Workflows.write(dir, "bad-import.ts", "import thing from \"left-pad\";\nexport default thing;\n");
        Workflows.write(dir, "z/good-too.ts", Workflows.echoJs("good too"));

        try (WorkflowRegistry registry = load()) {
            assertThat(registry.endpoints()).extracting(WorkflowEndpoint::route).containsExactly("good", "z/good-too");
            assertThat(registry.find("good").orElseThrow().generate(json("{}")).prompt().has("1")).isTrue();
            assertThat(registry.skipped()).extracting(SkippedWorkflow::file).containsExactly(
                    dir.resolve("bad-import.ts"), dir.resolve("broken-js.js"), dir.resolve("broken-syntax.ts"),
                    dir.resolve("no-export.ts"), dir.resolve("throws.ts"));
            assertThat(registry.skipped()).extracting(SkippedWorkflow::reason).satisfiesExactly(
                    reason -> assertThat(reason).contains("Cannot find module 'left-pad'"),
                    reason -> assertThat(reason).isNotBlank(),
                    reason -> assertThat(reason).contains("cannot transpile"),
                    reason -> assertThat(reason).contains("does not export a workflow"),
                    reason -> assertThat(reason).contains("exploded at load"));
        }
    }

    @Test
    void anAsyncGenerateWorkflowIsAwaited() throws Exception {
        Workflows.write(dir, "async.ts", """
                import { z } from "zod";
                const RequestSchema = z.object({ text: z.string() });
                async function generateWorkflow(input: z.infer<typeof RequestSchema>) {
                  const upper = await Promise.resolve(input.text.toUpperCase());
                  await null;
                  return { "1": { class_type: "Text", inputs: { text: upper } } };
                }
                export default { RequestSchema, generateWorkflow };
                """);
        try (WorkflowRegistry registry = load()) {
            Generated generated = registry.find("async").orElseThrow().generate(json("{\"text\": \"quiet\"}"));
            assertThat(generated.prompt().at("/1/inputs/text").asText()).isEqualTo("QUIET");
        }
    }

    @Test
    void aThrowingOrRejectingGenerateWorkflowFailsWithItsMessage() {
        Workflows.write(dir, "throws.ts", """
                import { z } from "zod";
                export default {
                  RequestSchema: z.object({}),
                  generateWorkflow: (): any => { throw new Error("no graph for you"); },
                };
                """);
        Workflows.write(dir, "rejects.js", """
                const { z } = require("zod");
                module.exports = { RequestSchema: z.object({}), generateWorkflow: async () => { throw new TypeError("async nope"); } };
                """);
        Workflows.write(dir, "returns-nothing.js", """
                const { z } = require("zod");
                module.exports = { RequestSchema: z.object({}), generateWorkflow: () => undefined };
                """);
        Workflows.write(dir, "never-settles.js", """
                const { z } = require("zod");
                module.exports = { RequestSchema: z.object({}), generateWorkflow: () => new Promise(() => {}) };
                """);
        try (WorkflowRegistry registry = load()) {
            assertThatThrownBy(() -> registry.find("throws").orElseThrow().generate(json("{}")))
                    .isInstanceOfSatisfying(WorkflowGenerationException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("Failed to generate workflow prompt: no graph for you");
                        assertThat(e.location()).isEqualTo("input");
                        assertThat(e.details()).isEmpty();
                    });
            assertThatThrownBy(() -> registry.find("rejects").orElseThrow().generate(json("{}")))
                    .hasMessage("Failed to generate workflow prompt: async nope");
            assertThatThrownBy(() -> registry.find("returns-nothing").orElseThrow().generate(json("{}")))
                    .hasMessage("Failed to generate workflow prompt: generateWorkflow returned undefined, not a prompt object");
            assertThatThrownBy(() -> registry.find("never-settles").orElseThrow().generate(json("{}")))
                    .hasMessage("Failed to generate workflow prompt: generateWorkflow returned a promise that never settled");
            // the contexts are still good afterwards
            assertThatThrownBy(() -> registry.find("throws").orElseThrow().generate(json("{}")))
                    .isInstanceOf(WorkflowGenerationException.class);
        }
    }

    @Test
    void modernSyntaxRunsAsWritten() throws Exception {
        Workflows.write(dir, "modern.ts", """
                import { z } from "zod";
                class Graph {
                  #nodes: Record<string, unknown> = {};
                  static readonly PREFIX = "modern";
                  add(id: string, node: unknown) { this.#nodes[id] = node; return this; }
                  build() { return this.#nodes; }
                }
                enum Size { Small = 256, Large = 1024 }
                const RequestSchema = z.object({ size: z.nativeEnum(Size).default(Size.Small), note: z.string().optional() });
                export default {
                  RequestSchema,
                  generateWorkflow: (input: z.infer<typeof RequestSchema>) => new Graph()
                    .add("1", { class_type: "Size", inputs: { width: input.size, note: input.note?.trim() ?? Graph.PREFIX } })
                    .build(),
                };
                """);
        try (WorkflowRegistry registry = load()) {
            ObjectNode prompt = registry.find("modern").orElseThrow().generate(json("{\"size\": 1024}")).prompt();
            assertThat(prompt.at("/1/inputs/width").asInt()).isEqualTo(1024);
            assertThat(prompt.at("/1/inputs/note").asText()).isEqualTo("modern");
            assertThat(registry.find("modern").orElseThrow().inputTable()).contains("| size | enum: `256`, `1024` |");
        }
    }

    @Test
    void workflowFilesImportEachOther() throws Exception {
        Workflows.write(dir, "lib/nodes.ts", """
                export function saveImage(images: [string, number]) {
                  return { class_type: "SaveImage", inputs: { filename_prefix: "api", images } };
                }
                export const PREFIX = "from-lib";
                """);
        Workflows.write(dir, "lib/index.js", "module.exports = { helperName: 'index of lib' };\n");
        Workflows.write(dir, "sd/save.ts", """
                import { z } from "zod";
                import { saveImage, PREFIX } from "../lib/nodes";
                import lib from "../lib";
                import * as same from "./sibling.js";
                export default {
                  RequestSchema: z.object({ tag: z.string().default(PREFIX) }),
                  generateWorkflow: (input: { tag: string }) => ({
                    "9": saveImage(["8", 0]),
                    "10": { class_type: "Note", inputs: { text: input.tag + "/" + lib.helperName + "/" + same.name } },
                  }),
                };
                """);
        Workflows.write(dir, "sd/sibling.js", "exports.name = 'sibling';\n");
        try (WorkflowRegistry registry = load()) {
            ObjectNode prompt = registry.find("sd/save").orElseThrow().generate(json("{}")).prompt();
            assertThat(prompt.at("/9/class_type").asText()).isEqualTo("SaveImage");
            assertThat(prompt.at("/9/inputs/images")).isEqualTo(JSON.readTree("[\"8\", 0]"));
            assertThat(prompt.at("/10/inputs/text").asText()).isEqualTo("from-lib/index of lib/sibling");
            // helpers that export no workflow are not endpoints, and not reported as skipped either
            assertThat(registry.endpoints()).extracting(WorkflowEndpoint::route).containsExactly("sd/save");
            assertThat(registry.skipped()).isEmpty();
        }
    }

    @Test
    void theConfigIsImportableFromAnyDepth() throws Exception {
        Workflows.write(dir, "flux/dev/t2i.ts", """
                import { z } from "zod";
                import config from "../../config";
                import { models, samplers } from "../../../config";
                export default {
                  RequestSchema: z.object({ lora: config.models.loras.enum, sampler: samplers.default("euler") }),
                  generateWorkflow: (input: any) => ({
                    "1": { class_type: "Info", inputs: {
                      lora: input.lora, sampler: input.sampler, port: config.port, comfyHome: config.comfyHome,
                      loraDir: models.loras.dir, loras: models.loras.all, ckpts: config.models.checkpoints.all,
                      warmup: config.warmupCkpt, vaeDir: config.models.vae.dir,
                      missing: config.models.upscale_models.all, missingDir: config.models.upscale_models.dir,
                    } },
                  }),
                };
                """);
        try (WorkflowRegistry registry = load()) {
            ObjectNode inputs = (ObjectNode) registry.find("flux/dev/t2i").orElseThrow()
                    .generate(json("{\"lora\": \"detail.safetensors\"}")).prompt().at("/1/inputs");
            assertThat(inputs).isEqualTo(json("""
                    {"lora": "detail.safetensors", "sampler": "euler", "port": 3000, "comfyHome": "/opt/ComfyUI",
                     "loraDir": "/opt/ComfyUI/models/loras", "loras": ["detail.safetensors"],
                     "ckpts": ["%s", "%s"], "warmup": "%s", "vaeDir": "/opt/ComfyUI/models/vae",
                     "missing": [], "missingDir": "/opt/ComfyUI/models/upscale_models"}""".formatted(
                    Workflows.CKPT, Workflows.OTHER_CKPT, Workflows.CKPT)));
        }
    }

    @Test
    void typeOnlyImportsOfTheSeedsSourceTreeAreDropped() throws Exception {
        // Files written for the Node server import its types and config from its source tree.
        Workflows.write(dir, "flux/img2img.ts", """
                import { z } from "zod";
                import { ComfyNode, Workflow } from "../../src/types";
                import type { ComfyPrompt } from "../types";
                import config from "../../src/config";
                const RequestSchema = z.object({ image: z.string(), ckpt: config.models.checkpoints.enum.default("%s") });
                function generateWorkflow(input: z.infer<typeof RequestSchema>): ComfyPrompt {
                  const load: ComfyNode = { class_type: "LoadImage", inputs: { image: input.image } };
                  return { "37": load, "30": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: input.ckpt } } };
                }
                const workflow: Workflow = { RequestSchema, generateWorkflow, summary: "Image-to-Image" };
                export default workflow;
                """.formatted(Workflows.CKPT));
        try (WorkflowRegistry registry = load()) {
            ObjectNode prompt = registry.find("flux/img2img").orElseThrow()
                    .generate(json("{\"image\": \"https://example.test/a.png\"}")).prompt();
            assertThat(prompt.at("/37/inputs/image").asText()).isEqualTo("https://example.test/a.png");
            assertThat(prompt.at("/30/inputs/ckpt_name").asText()).isEqualTo(Workflows.CKPT);
        }
    }

    @Test
    void processEnvAndConsoleWork() throws Exception {
        Workflows.write(dir, "env.js", """
                const { z } = require("zod");
                module.exports = {
                  RequestSchema: z.object({ path: z.string().default(process.env.PATH || "none") }),
                  generateWorkflow: (input) => (console.log("generating", input.path.length), console.error("to stderr"),
                      { "1": { class_type: "Env", inputs: { path: input.path,
                      missing: process.env.SURELY_NOT_SET_ANYWHERE === undefined } } }),
                };
                """);
        try (WorkflowRegistry registry = load()) {
            ObjectNode prompt = registry.find("env").orElseThrow().generate(json("{}")).prompt();
            assertThat(prompt.at("/1/inputs/path").asText()).isEqualTo(System.getenv().getOrDefault("PATH", "none"));
            assertThat(prompt.at("/1/inputs/missing").asBoolean()).isTrue();
        }
    }

    @Test
    void anEmptyModelFolderStillValidatesAString() throws Exception {
        Workflows.write(dir, "vae.ts", """
                import { z } from "zod";
                import config from "../config";
                export default {
                  RequestSchema: z.object({ vae: config.models.vae.enum }),
                  generateWorkflow: (input: any) => ({ "1": { class_type: "VAELoader", inputs: { vae_name: input.vae } } }),
                };
                """);
        try (WorkflowRegistry registry = load()) {
            WorkflowEndpoint vae = registry.find("vae").orElseThrow();
            assertThat(vae.generate(json("{\"vae\": \"any.safetensors\"}")).prompt().at("/1/inputs/vae_name").asText())
                    .isEqualTo("any.safetensors");
            assertThatThrownBy(() -> vae.generate(json("{\"vae\": 7}"))).isInstanceOf(WorkflowInputException.class);
        }
    }

    @Test
    void refreshShowsNewModelsAndNewFiles() throws Exception {
        Workflows.write(dir, "txt2img.ts", Workflows.seedTxt2Img());
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir,
                Workflows.environment(Optional.empty(), List.of(Workflows.CKPT)), 2)) {
            WorkflowEndpoint before = registry.find("txt2img").orElseThrow();
            String request = "{\"prompt\": \"x\", \"checkpoint\": \"" + Workflows.OTHER_CKPT + "\"}";
            assertThatThrownBy(() -> before.generate(json(request))).isInstanceOf(WorkflowInputException.class);

            Workflows.write(dir, "added.js", Workflows.echoJs("added later"));
            registry.refresh(Workflows.environment());

            WorkflowEndpoint after = registry.find("txt2img").orElseThrow();
            assertThat(after.generate(json(request)).prompt().at("/4/inputs/ckpt_name").asText())
                    .isEqualTo(Workflows.OTHER_CKPT);
            assertThat(after.inputTable()).contains(Workflows.OTHER_CKPT);
            assertThat(registry.environment().warmupCkpt()).contains(Workflows.CKPT);
            assertThat(registry.find("added")).isPresent();
            // an endpoint object held from before the refresh keeps working, with its old config
            assertThatThrownBy(() -> before.generate(json(request))).isInstanceOf(WorkflowInputException.class);
        }
    }

    @Test
    void aMissingWorkflowDirectoryGivesNoEndpoints() {
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir.resolve("absent"), Workflows.environment())) {
            assertThat(registry.endpoints()).isEmpty();
            assertThat(registry.find("anything")).isEmpty();
        }
    }
}
