package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Output naming, real pixels, uploads and /view (§2.14, §2.15, §4.4, §4.5). */
class FilesTest extends SharedSimulatorTest {
    private JsonNode run(ObjectNode graph) throws Exception {
        return run(graph, null);
    }

    private JsonNode run(ObjectNode graph, JsonNode extraData) throws Exception {
        ObjectNode body = PyJson.object();
        body.set("prompt", graph);
        if (extraData != null) body.set("extra_data", extraData);
        HttpResponse<String> r = sim.post("/prompt", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return sim.awaitHistory(PyJson.loads(r.body()).get("prompt_id").asText());
    }

    private static byte[] png(int w, int h, int rgb) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb + x * 10 + y);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void saveImageNamingSubfolderCounterAndMetadata() throws Exception {
        Path renders = Path.of(sim.sim.paths().outputDir(), "renders");
        Files.createDirectories(renders);
        Files.write(renders.resolve("cat_00007_.png"), new byte[0]);
        Files.write(renders.resolve("cat_00009.png"), new byte[0]);
        ObjectNode g = Graphs.txt2img(100, 1, "renders/cat");
        ((ObjectNode) g.get("5").get("inputs")).put("batch_size", 2);
        JsonNode extra = PyJson.loads("{\"extra_pnginfo\": {\"workflow\": {\"nodes\": []}}}");
        JsonNode images = run(g, extra).path("outputs").path("9").path("images");
        assertThat(PyJson.dumps(images)).isEqualTo("[{\"filename\": \"cat_00008_.png\", \"subfolder\": \"renders\", \"type\": \"output\"}, "
                + "{\"filename\": \"cat_00009_.png\", \"subfolder\": \"renders\", \"type\": \"output\"}]");
        byte[] file = Files.readAllBytes(renders.resolve("cat_00008_.png"));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(file));
        assertThat(img.getWidth()).isEqualTo(64);
        assertThat(img.getHeight()).isEqualTo(48);
        String raw = new String(file, StandardCharsets.ISO_8859_1);
        assertThat(raw).contains("tEXtprompt\0{\"4\": {\"class_type\": \"CheckpointLoaderSimple\"");
        assertThat(raw).contains("tEXtworkflow\0{\"nodes\": []}");

        ObjectNode g2 = Graphs.fault("none", 0, "batch_%batch_num%_w%width%");
        JsonNode b = run(g2).path("outputs").path("3").path("images").get(0);
        assertThat(b.path("filename").asText()).isEqualTo("batch_0_w8_00001_.png");
    }

    @Test
    void savingOutsideTheOutputFolderIsAnExecutionError() throws Exception {
        JsonNode entry = run(Graphs.fault("none", 0, "../escape"));
        JsonNode status = entry.path("status");
        assertThat(status.path("status_str").asText()).isEqualTo("error");
        JsonNode err = status.path("messages").get(2);
        assertThat(err.get(0).asText()).isEqualTo("execution_error");
        assertThat(err.get(1).path("node_type").asText()).isEqualTo("SaveImage");
        assertThat(err.get(1).path("exception_type").asText()).isEqualTo("Exception");
        assertThat(err.get(1).path("exception_message").asText()).contains("Saving image outside the output folder is not allowed.").endsWith("\n");
    }

    @Test
    void loadInvertSaveProducesInvertedPixels() throws Exception {
        HttpResponse<String> up = sim.upload("/upload/image", "src.png", png(4, 3, 0x102030));
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"name\": \"src.png\", \"subfolder\": \"\", \"type\": \"input\"}");
        assertThat(sim.getJson("/object_info/LoadImage").path("LoadImage").path("input").path("required").path("image").get(0).toString())
                .contains("\"src.png\"");
        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "src.png"}},
                 "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "inv", "images": ["2", 0]}}}""");
        JsonNode entry = run(g);
        // The history keeps the submitted graph; the PNG metadata shows the executed one, with LoadImage's IS_CHANGED hash.
        assertThat(entry.path("prompt").get(2).path("1").has("is_changed")).isFalse();
        String name = entry.path("outputs").path("3").path("images").get(0).path("filename").asText();
        String raw = new String(Files.readAllBytes(Path.of(sim.sim.paths().outputDir(), name)), StandardCharsets.ISO_8859_1);
        assertThat(raw).containsPattern("\\{\"image\": \"src.png\"\\}, \"is_changed\": \\[\"[0-9a-f]{64}\"\\]");
        HttpResponse<byte[]> view = sim.getBytes("/view?filename=" + name + "&type=output&subfolder=");
        assertThat(view.statusCode()).isEqualTo(200);
        assertThat(view.headers().firstValue("Content-Type").orElse("")).startsWith("image/png");
        assertThat(view.headers().firstValue("Content-Disposition").orElse("")).isEqualTo("filename=\"" + name + "\"");
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(view.body()));
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                int src = 0x102030 + x * 10 + y;
                int expected = (inverted(src >> 16) << 16) | (inverted(src >> 8) << 8) | inverted(src);
                assertThat(out.getRGB(x, y) & 0xffffff).isEqualTo(expected);
            }
        }
    }

    /** ComfyUI: v/255 as float32, 1.0 - x in torch float32, then 255 * x truncated to uint8 by numpy. */
    private static int inverted(int channel) {
        float x = (float) (channel & 0xff) / 255.0f;
        int v = (int) (255.0f * (1.0f - x));
        assertThat(v).isBetween(254 - (channel & 0xff), 255 - (channel & 0xff));
        return v;
    }

    @Test
    void previewImageWritesToTemp() throws Exception {
        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 5, "height": 5, "batch_size": 1, "color": 16711680}},
                 "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}""");
        JsonNode img = run(g).path("outputs").path("2").path("images").get(0);
        assertThat(img.path("type").asText()).isEqualTo("temp");
        assertThat(img.path("subfolder").asText()).isEmpty();
        assertThat(img.path("filename").asText()).matches("ComfyUI_temp_[abcdefghijklmnopqrstupvxyz]{5}_00001_\\.png");
        assertThat(Path.of(sim.sim.paths().tempDir(), img.path("filename").asText())).exists();
        HttpResponse<byte[]> view = sim.getBytes("/api/view?filename=" + img.path("filename").asText() + "&type=temp");
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(view.body()));
        assertThat(out.getRGB(2, 2) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    void animatedWebpHasOneFramePerImage() throws Exception {
        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "EmptyImage", "inputs": {"width": 6, "height": 4, "batch_size": 3, "color": 255}},
                 "2": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": "anim", "fps": 10,
                        "lossless": true, "quality": 80, "method": "default"}}}""");
        JsonNode out = run(g).path("outputs").path("2");
        assertThat(out.path("animated").toString()).isEqualTo("[true]");
        String name = out.path("images").get(0).path("filename").asText();
        assertThat(name).isEqualTo("anim_00001_.webp");
        String raw = new String(Files.readAllBytes(Path.of(sim.sim.paths().outputDir(), name)), StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("RIFF").contains("WEBPVP8X").contains("ANIM");
        assertThat(raw.split("ANMF", -1)).hasSize(4);
        assertThat(raw.split("VP8L", -1)).hasSize(4);
    }

    @Test
    void uploadDedupRenameOverwriteAndRules() throws Exception {
        byte[] a = png(2, 2, 0x000001);
        byte[] b = png(2, 2, 0x000002);
        assertThat(sim.upload("/upload/image", "dup.png", a).body()).contains("\"name\": \"dup.png\"");
        assertThat(sim.upload("/upload/image", "dup.png", a).body()).contains("\"name\": \"dup.png\"");
        assertThat(sim.upload("/upload/image", "dup.png", b).body()).contains("\"name\": \"dup (1).png\"");
        assertThat(sim.upload("/upload/image", "dup.png", b).body()).contains("\"name\": \"dup (1).png\"");
        assertThat(sim.upload("/upload/image", "dup.png", b, "overwrite", "true").body()).contains("\"name\": \"dup.png\"");
        assertThat(Files.readAllBytes(Path.of(sim.sim.paths().inputDir(), "dup.png"))).isEqualTo(b);

        HttpResponse<String> sub = sim.upload("/upload/image", "x.png", a, "subfolder", "pets", "type", "temp");
        assertThat(sub.body()).isEqualTo("{\"name\": \"x.png\", \"subfolder\": \"pets\", \"type\": \"temp\"}");
        assertThat(Path.of(sim.sim.paths().tempDir(), "pets", "x.png")).exists();
        assertThat(sim.upload("/upload/image", "x.png", a, "subfolder", "../..").statusCode()).isEqualTo(400);
        assertThat(sim.upload("/upload/image", "x.png", a, "type", "bogus").statusCode()).isEqualTo(500);

        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "pets/x.png [temp]"}},
                 "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}""");
        assertThat(run(g).path("status").path("status_str").asText()).isEqualTo("success");
    }

    @Test
    void loadImageAcceptsAbsolutePathsAndMaskUploadKeepsOriginalRgb() throws Exception {
        Path outside = dir.resolve("elsewhere.png");
        Files.write(outside, png(3, 3, 0x203040));
        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "%s"}},
                 "2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "abs", "images": ["1", 0]}}}""".formatted(outside));
        JsonNode entry = run(g);
        assertThat(entry.path("status").path("status_str").asText()).isEqualTo("success");

        sim.upload("/upload/image", "base.png", png(3, 3, 0x405060));
        BufferedImage mask = new BufferedImage(3, 3, BufferedImage.TYPE_INT_ARGB);
        mask.setRGB(1, 1, 0x80000000);
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        ImageIO.write(mask, "png", m);
        HttpResponse<String> r = sim.upload("/upload/mask", "masked.png", m.toByteArray(),
                "original_ref", "{\"filename\": \"base.png\", \"type\": \"input\"}");
        assertThat(r.body()).isEqualTo("{\"name\": \"masked.png\", \"subfolder\": \"\", \"type\": \"input\"}");
        BufferedImage saved = ImageIO.read(Path.of(sim.sim.paths().inputDir(), "masked.png").toFile());
        assertThat(saved.getRGB(1, 1)).isEqualTo(0x80000000 | (0x405060 + 10 + 1));
        assertThat(saved.getRGB(0, 0) >>> 24).isZero();
    }

    @Test
    void replacingAnInputFileInvalidatesTheLoadImageCache() throws Exception {
        sim.upload("/upload/image", "swap.png", png(2, 2, 0x010101));
        ObjectNode g = (ObjectNode) PyJson.loads("""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "swap.png"}},
                 "2": {"class_type": "SaveImage", "inputs": {"filename_prefix": "swap", "images": ["1", 0]}}}""");
        run(g);
        JsonNode cached = run(g).path("status").path("messages").get(1).get(1).path("nodes");
        assertThat(cached.toString()).isEqualTo("[\"1\",\"2\"]");
        sim.upload("/upload/image", "swap.png", png(2, 2, 0x020202), "overwrite", "true");
        JsonNode after = run(g);
        assertThat(after.path("status").path("messages").get(1).get(1).path("nodes").toString()).isEqualTo("[]");
        assertThat(after.path("outputs").path("2").path("images").get(0).path("filename").asText()).isEqualTo("swap_00002_.png");
    }

    @Test
    void viewRules() throws Exception {
        sim.upload("/upload/image", "v.png", png(2, 2, 0x0a0b0c));
        assertThat(sim.get("/view").statusCode()).isEqualTo(404);
        assertThat(sim.get("/view?filename=").statusCode()).isEqualTo(400);
        assertThat(sim.get("/view?filename=..%2Fv.png&type=input").statusCode()).isEqualTo(400);
        assertThat(sim.get("/view?filename=%2Fetc%2Fpasswd").statusCode()).isEqualTo(400);
        assertThat(sim.get("/view?filename=v.png&type=bogus").statusCode()).isEqualTo(400);
        assertThat(sim.get("/view?filename=v.png&type=input&subfolder=..%2F..").statusCode()).isEqualTo(403);
        HttpResponse<String> missing = sim.get("/view?filename=none.png&type=input");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
        assertThat(sim.get("/view?filename=v.png&type=input").statusCode()).isEqualTo(200);
        assertThat(sim.get("/view?filename=v.png%20%5Binput%5D").statusCode()).isEqualTo(200);
        assertThat(sim.get("/view?filename=v.png").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> jpeg = sim.getBytes("/view?filename=v.png&type=input&preview=jpeg;80");
        assertThat(jpeg.headers().firstValue("Content-Type").orElse("")).isEqualTo("image/jpeg");
        HttpResponse<byte[]> webp = sim.getBytes("/view?filename=v.png&type=input&preview=webp;90");
        assertThat(new String(webp.body(), 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("RIFF");
    }
}
