package org.comfyapi.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Input media given inline (base64, data URIs) reach ComfyUI's LoadImage as files. */
class InputsEndToEndTest {
    @TempDir
    static Path home;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(home, Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static String loadInvertSave(String image) {
        return """
                {"1": {"class_type": "LoadImage", "inputs": {"image": "%s", "upload": "image"}},
                 "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
                 "3": {"class_type": "SaveImage", "inputs": {"filename_prefix": "in", "images": ["2", 0]}}}
                """.formatted(image);
    }

    static byte[] encode(String format, int rgb, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) image.setRGB(x, y, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    static BufferedImage output(TestServer.Response response) throws Exception {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode images = response.json().path("images");
        assertThat(images).hasSize(1);
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.get(0).asText())));
    }

    static void assertInverted(BufferedImage image, int rgb, int tolerance) {
        int actual = image.getRGB(1, 1);
        for (int shift = 0; shift <= 16; shift += 8) {
            int expected = 255 - ((rgb >> shift) & 0xFF);
            assertThat((actual >> shift) & 0xFF).isBetween(expected - tolerance, expected + tolerance);
        }
    }

    @Test
    void rawBase64Png() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(encode("png", 0x336699, 12, 10));
        BufferedImage out = output(server.post("/prompt", Graphs.body(loadInvertSave(b64))));
        assertThat(out.getWidth()).isEqualTo(12);
        assertThat(out.getHeight()).isEqualTo(10);
        assertInverted(out, 0x336699, 1);
    }

    @Test
    void rawBase64Jpeg() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(encode("jpg", 0x808080, 16, 16));
        BufferedImage out = output(server.post("/prompt", Graphs.body(loadInvertSave(b64))));
        assertThat(out.getWidth()).isEqualTo(16);
        assertInverted(out, 0x808080, 6);
    }

    @Test
    void dataUri() throws Exception {
        String uri = "data:image/png;base64," + Base64.getEncoder().encodeToString(encode("png", 0x102030, 8, 8));
        assertInverted(output(server.post("/prompt", Graphs.body(loadInvertSave(uri)))), 0x102030, 1);
    }

    @Test
    void inputFilesAreRemovedAfterTheRun() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(encode("png", 0x445566, 4, 4));
        output(server.post("/prompt", Graphs.body(loadInvertSave(b64))));
        try (Stream<Path> files = Files.list(home.resolve("input"))) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".png"))).isEmpty();
        }
    }

    @Test
    void undecodableBase64NamesTheInputAndComfyIsNeverCalled() throws Exception {
        int before = server.comfyGet("/history").json().size();
        TestServer.Response missingFile = server.post("/prompt", Graphs.body(loadInvertSave("no-such-file.png")));
        assertThat(missingFile.status()).as("ComfyUI's own validation").isEqualTo(400);
        assertThat(missingFile.json().at("/node_errors/1/errors/0/type").asText()).isEqualTo("custom_validation_failed");
        TestServer.Response notMedia = server.post("/prompt", Graphs.body(loadInvertSave(
                Base64.getEncoder().encodeToString("just some text that is long enough to look like base64 data".getBytes()))));
        assertThat(notMedia.status()).isEqualTo(400);
        assertThat(notMedia.json().path("location").asText()).isEqualTo("prompt.1.inputs.image");
        TestServer.Response badUri = server.post("/prompt", Graphs.body(loadInvertSave("data:image/png;base64,@@@")));
        assertThat(badUri.status()).isEqualTo(400);
        assertThat(badUri.json().path("location").asText()).isEqualTo("prompt.1.inputs.image");
        assertThat(server.comfyGet("/history").json().size()).isEqualTo(before);
    }
}
