package org.comfyapi.server.prompt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.server.error.BadInput;
import org.comfyapi.server.json.Json;
import org.comfyapi.server.metrics.Metrics;
import org.comfyapi.server.storage.CachedDownloads;
import org.comfyapi.server.storage.DownloadCache;
import org.comfyapi.server.storage.FileServer;
import org.comfyapi.server.storage.ModelDownloads;
import org.comfyapi.server.storage.RemoteFiles;
import org.comfyapi.server.storage.StorageEvents;
import org.comfyapi.server.storage.StorageSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What InputResolver makes of inline and remote inputs, with real downloads from a loopback server. */
class InputResolverTest {
    @TempDir
    Path dir;
    private FileServer files;
    private RemoteFiles remote;
    private InputResolver resolver;
    private byte[] png;

    @BeforeEach
    void start() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", out);
        png = out.toByteArray();
        files = new FileServer().file("/cat.bin", png, "application/octet-stream", null)
                .file("/model.safetensors", new byte[]{7, 7, 7}, "application/octet-stream", null);
        remote = new RemoteFiles(StorageSettings.fromEnv(Map.of()));
        CachedDownloads downloads = new CachedDownloads(new DownloadCache(dir.resolve("cache"), 1),
                remote, StorageEvents.NONE, Metrics.NONE);
        resolver = new InputResolver(dir.resolve("input"),
                downloads, new ModelDownloads(dir.resolve("models"), downloads, () -> Set.of("checkpoints")));
    }

    @AfterEach
    void stop() throws Exception {
        files.close();
        remote.close();
    }

    private static ObjectNode graph(String input, String value) {
        ObjectNode graph = Json.MAPPER.createObjectNode();
        graph.putObject("1").put("class_type", "LoadImage").putObject("inputs").put(input, value);
        return graph;
    }

    private static PromptRequest request(ObjectNode graph) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("prompt", graph);
        return PromptRequest.parse(body);
    }

    private static String input(ObjectNode graph, String name) {
        return graph.path("1").path("inputs").path(name).asText();
    }

    @Test
    void base64ImageBecomesAFileInTheInputDirectory() throws Exception {
        ObjectNode graph = graph("image", Base64.getEncoder().encodeToString(png));

        List<Path> created = resolver.resolve(graph, request(graph));

        assertThat(input(graph, "image")).endsWith(".png");
        assertThat(created).containsExactly(dir.resolve("input").resolve(input(graph, "image")));
        assertThat(created.getFirst()).hasBinaryContent(png);
    }

    @Test
    void urlInputIsDownloadedAndNamedByWhatItIs() throws Exception {
        ObjectNode graph = graph("image", files.url("/cat.bin").toString());

        List<Path> created = resolver.resolve(graph, request(graph));

        assertThat(input(graph, "image")).endsWith(".png");
        assertThat(created.getFirst()).hasBinaryContent(png);
    }

    @Test
    void modelUrlLandsInItsModelFolder() throws Exception {
        ObjectNode graph = graph("ckpt_name", files.url("/model.safetensors").toString());

        List<Path> created = resolver.resolve(graph, request(graph));

        assertThat(created).isEmpty();
        assertThat(dir.resolve("models/checkpoints").resolve(input(graph, "ckpt_name"))).hasBinaryContent(new byte[]{7, 7, 7});
    }

    @Test
    void textInputsAreLeftAlone() throws Exception {
        String url = files.url("/cat.bin").toString();
        ObjectNode graph = graph("text", url);

        assertThat(resolver.resolve(graph, request(graph))).isEmpty();
        assertThat(input(graph, "text")).isEqualTo(url);
    }

    @Test
    void dataUriThatIsNotBase64IsRefusedAtItsInput() {
        ObjectNode graph = graph("image", "data:image/png,notbase64");

        BadInput bad = catchThrowableOfType(BadInput.class, () -> resolver.resolve(graph, request(graph)));

        assertThat(bad.getMessage()).isEqualTo("Data URI must be base64-encoded (data:<type>;base64,<data>)");
        assertThat(bad.location()).isEqualTo("prompt.1.inputs.image");
    }

    @Test
    void aFailedDownloadNamesTheInputAndLeavesNoFilesBehind() throws Exception {
        ObjectNode graph = graph("image", Base64.getEncoder().encodeToString(png));
        ((ObjectNode) graph.get("1").get("inputs")).put("mask", files.url("/missing.png").toString());

        BadInput bad = catchThrowableOfType(BadInput.class, () -> resolver.resolve(graph, request(graph)));

        assertThat(bad.getMessage()).startsWith("Failed to download " + files.url("/missing.png"));
        assertThat(bad.location()).isEqualTo("prompt.1.inputs.mask");
        try (var left = Files.list(dir.resolve("input"))) {
            assertThat(left).isEmpty();
        }
    }
}
