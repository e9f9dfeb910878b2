package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** SaveLatent writes a safetensors .latent file; LoadLatent reads it back into the same latent. */
class LatentFilesTest extends SharedSimulatorTest {
    private JsonNode run(ObjectNode graph) throws Exception {
        String pid = sim.queuePrompt(graph, null).get("prompt_id").asText();
        JsonNode entry = sim.awaitHistory(pid);
        assertThat(entry.path("status").path("status_str").asText()).isEqualTo("success");
        return entry.path("outputs");
    }

    /** The protocol's txt2img graph with a SaveLatent next to its SaveImage. */
    private ObjectNode sampledAndSaved(long seed, String prefix) {
        ObjectNode graph = Graphs.txt2img(seed, 2, "direct");
        graph.set("10", PyJson.loads("{\"class_type\": \"SaveLatent\", \"inputs\": {\"samples\": [\"3\", 0], \"filename_prefix\": \"latents/" + prefix + "\"}}"));
        return graph;
    }

    private byte[] savedImage(JsonNode outputs, String node) throws Exception {
        JsonNode image = outputs.path(node).path("images").get(0);
        return sim.getBytes("/view?type=output&subfolder=" + image.path("subfolder").asText() + "&filename=" + image.path("filename").asText()).body();
    }

    @Test
    void aSavedLatentIsASafetensorsFileWithTheLatentTensor() throws Exception {
        JsonNode outputs = run(sampledAndSaved(7, "cat"));
        JsonNode saved = outputs.path("10").path("latents").get(0);
        assertThat(saved.toString()).isEqualTo("{\"filename\":\"cat_00001_.latent\",\"subfolder\":\"latents\",\"type\":\"output\"}");
        byte[] file = Files.readAllBytes(dir.resolve("output/latents/cat_00001_.latent"));
        long headerSize = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = PyJson.loads(new String(file, 8, (int) headerSize, StandardCharsets.UTF_8).strip());
        assertThat(header.path("latent_tensor").path("dtype").asText()).isEqualTo("F32");
        assertThat(header.path("latent_tensor").path("shape").toString()).isEqualTo("[1,4,6,8]");
        assertThat(header.path("latent_tensor").path("data_offsets").toString()).isEqualTo("[0,768]");
        assertThat(header.path("latent_format_version_0").path("shape").toString()).isEqualTo("[0]");
        assertThat(PyJson.loads(header.path("__metadata__").path("prompt").asText()).path("3").path("class_type").asText()).isEqualTo("KSampler");
        assertThat(file.length).isEqualTo(8 + headerSize + 768);
    }

    @Test
    void aLoadedLatentDecodesToTheSamePixelsAsTheSampledOne() throws Exception {
        JsonNode first = run(sampledAndSaved(11, "reload"));
        String name = first.path("10").path("latents").get(0).path("filename").asText();
        Files.copy(dir.resolve("output/latents/" + name), dir.resolve("input/reloaded.latent"));
        Files.writeString(dir.resolve("input/notes.txt"), "not a latent");
        assertThat(sim.getJson("/object_info/LoadLatent").path("LoadLatent").path("input").path("required").path("latent").get(0).toString())
                .isEqualTo("[\"reloaded.latent\"]");
        JsonNode loaded = run((ObjectNode) PyJson.loads("""
                {"1": {"class_type": "LoadLatent", "inputs": {"latent": "reloaded.latent"}},
                 "2": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd15.safetensors"}},
                 "3": {"class_type": "VAEDecode", "inputs": {"samples": ["1", 0], "vae": ["2", 2]}},
                 "4": {"class_type": "SaveImage", "inputs": {"filename_prefix": "reloaded", "images": ["3", 0]}}}
                """));
        assertThat(Arrays.equals(pixels(savedImage(loaded, "4")), pixels(savedImage(first, "9")))).isTrue();
        JsonNode other = run(sampledAndSaved(12, "other"));
        assertThat(Arrays.equals(pixels(savedImage(other, "9")), pixels(savedImage(first, "9")))).isFalse();
    }

    @Test
    void aMissingLatentFileFailsValidationNamingIt() throws Exception {
        HttpResponse<String> r = sim.post("/prompt", PyJson.loads("""
                {"prompt": {"1": {"class_type": "LoadLatent", "inputs": {"latent": "nowhere.latent"}},
                            "2": {"class_type": "SaveLatent", "inputs": {"samples": ["1", 0], "filename_prefix": "x"}}}}
                """));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = PyJson.loads(r.body()).path("node_errors").path("1").path("errors").get(0);
        assertThat(error.path("type").asText()).isEqualTo("custom_validation_failed");
        assertThat(error.path("details").asText()).isEqualTo("latent - Invalid latent file: nowhere.latent");
    }

    private static int[] pixels(byte[] png) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
