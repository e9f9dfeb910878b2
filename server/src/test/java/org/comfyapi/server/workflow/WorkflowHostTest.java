package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.Unavailable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.io.IOException;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's side of the workflows: prepared at once, loaded when the environment is known, refreshed on new models. */
class WorkflowHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void notLoadedUntilTheEnvironmentIsGivenThenServesTheEndpoints() throws Exception {
        Workflows.write(dir, "sd/txt2img.ts", Workflows.seedTxt2Img());
        try (WorkflowHost host = new WorkflowHost(dir, WorkflowLimits.defaults(), Duration.ofMinutes(2))) {
            host.prepare();
            assertThat(host.isLoaded()).as("no environment yet: /ready must stay 503").isFalse();
            assertThat(host.registry()).isEmpty();

            CountDownLatch environmentAsked = new CountDownLatch(1);
            CountDownLatch comfyAnswers = new CountDownLatch(1);
            host.load(() -> {
                environmentAsked.countDown();
                try {
                    comfyAnswers.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return Workflows.environment();
            });
            environmentAsked.await();
            assertThat(host.isLoaded()).as("still waiting for ComfyUI's answer").isFalse();
            comfyAnswers.countDown();

            WorkflowRegistry registry = host.await();
            assertThat(host.isLoaded()).isTrue();
            assertThat(registry.find("sd/txt2img")).isPresent();
            ObjectNode input = JSON.createObjectNode().put("prompt", "a cat");
            assertThat(registry.find("sd/txt2img").get().generate(input).prompt().at("/4/inputs/ckpt_name").asText())
                    .isEqualTo(Workflows.CKPT);
        }
    }

    @Test
    void newModelsReachTheEnumsAfterModelsChanged() throws Exception {
        Workflows.write(dir, "txt2img.ts", Workflows.seedTxt2Img());
        AtomicReference<List<String>> checkpoints = new AtomicReference<>(List.of(Workflows.CKPT));
        try (WorkflowHost host = new WorkflowHost(dir, WorkflowLimits.defaults(), Duration.ofMinutes(2))) {
            host.load(() -> Workflows.environment(Optional.of(Workflows.CKPT), checkpoints.get()));
            WorkflowRegistry registry = host.await();
            ObjectNode input = JSON.createObjectNode().put("prompt", "x").put("checkpoint", "new.safetensors");
            assertThatThrownBy(() -> registry.find("txt2img").get().generate(input))
                    .isInstanceOf(WorkflowInputException.class);

            checkpoints.set(List.of(Workflows.CKPT, "new.safetensors"));
            host.modelsChanged();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!registry.environment().models().get("checkpoints").contains("new.safetensors")) {
                assertThat(System.nanoTime()).as("refreshed within a minute").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(registry.find("txt2img").get().generate(input).prompt().at("/4/inputs/ckpt_name").asText())
                    .isEqualTo("new.safetensors");
        }
    }

    @Test
    void aModelFileAddedToModelDirReachesTheEnums() throws Exception {
        Path workflows = dir.resolve("workflows");
        Path checkpoints = Files.createDirectories(dir.resolve("models/checkpoints"));
        Files.writeString(checkpoints.resolve(Workflows.CKPT), "model");
        Workflows.write(workflows, "txt2img.ts", Workflows.seedTxt2Img());
        try (WorkflowHost host = new WorkflowHost(workflows, WorkflowLimits.defaults(), Duration.ofMinutes(2))) {
            host.watchModels(dir.resolve("models"));
            host.load(() -> Workflows.environment(Optional.of(Workflows.CKPT), list(checkpoints)));
            WorkflowRegistry registry = host.await();
            Files.createDirectories(checkpoints.resolve("sdxl"));
            Files.writeString(checkpoints.resolve("sdxl/late.safetensors"), "model");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!registry.environment().models().get("checkpoints").contains("sdxl/late.safetensors")) {
                assertThat(System.nanoTime()).as("refreshed within a minute").isLessThan(deadline);
                Thread.sleep(10);
            }
            ObjectNode input = JSON.createObjectNode().put("prompt", "x").put("checkpoint", "sdxl/late.safetensors");
            assertThat(registry.find("txt2img").get().generate(input).prompt().at("/4/inputs/ckpt_name").asText())
                    .isEqualTo("sdxl/late.safetensors");
        }
    }

    private static List<String> list(Path folder) {
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aFailedLoadIsReportedAs503AndCountsAsDone() throws Exception {
        try (WorkflowHost host = new WorkflowHost(dir, WorkflowLimits.defaults(), Duration.ofMinutes(2))) {
            host.load(() -> {
                throw new IllegalStateException("ComfyUI said nothing useful");
            });
            assertThatThrownBy(host::await).isInstanceOfSatisfying(Unavailable.class, e -> {
                assertThat(e.getMessage()).contains("ComfyUI said nothing useful");
            });
            assertThat(host.isLoaded()).as("/ready is not held back for ever").isTrue();
        }
    }

    @Test
    void anEmptyOrMissingDirectoryGivesNoEndpoints() throws Exception {
        try (WorkflowHost host = new WorkflowHost(dir.resolve("missing"), WorkflowLimits.defaults(), Duration.ofMinutes(1))) {
            host.prepare();
            host.load(WorkflowEnvironment::empty);
            assertThat(host.await().endpoints()).isEmpty();
            assertThat(host.await().find("anything")).isEmpty();
        }
    }

    @Test
    void comboOptionsAreReadInBothObjectInfoForms() throws Exception {
        var classic = JSON.readTree("""
                {"input": {"required": {"sampler_name": [["euler", "dpmpp_2m"], {"tooltip": "x"}]}}}""");
        var newer = JSON.readTree("""
                {"input": {"optional": {"scheduler": ["COMBO", {"options": ["normal", "karras"]}]}}}""");
        assertThat(WorkflowEnvironment.comboOptions(classic, "sampler_name")).containsExactly("euler", "dpmpp_2m");
        assertThat(WorkflowEnvironment.comboOptions(newer, "scheduler")).containsExactly("normal", "karras");
        assertThat(WorkflowEnvironment.comboOptions(JSON.createObjectNode(), "scheduler")).isEmpty();
    }
}
