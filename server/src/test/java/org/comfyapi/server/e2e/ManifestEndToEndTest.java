package org.comfyapi.server.e2e;

import org.comfyapi.server.storage.FileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MANIFEST_JSON models: before_start are in place before ComfyUI starts, after_start arrive in the background. */
@Timeout(120)
class ManifestEndToEndTest {
    @TempDir
    Path home;

    @Test
    void modelsBeforeAndAfterStart() throws Exception {
        try (FileServer files = new FileServer()) {
            files.file("/before.safetensors", "before".getBytes(), "application/octet-stream", null);
            files.file("/after.safetensors", "after".getBytes(), "application/octet-stream", null);
            String manifest = """
                    {"models": {
                      "before_start": [{"url": "%s", "local_path": "models/checkpoints/before.safetensors"}],
                      "after_start": [{"url": "%s", "local_path": "%s"}]}}"""
                    .formatted(files.url("/before.safetensors"), files.url("/after.safetensors"),
                            home.resolve("models/loras/after.safetensors"));
            try (TestServer server = TestServer.start(home, Map.of("MANIFEST_JSON", manifest))) {
                assertThat(home.resolve("models/checkpoints/before.safetensors")).hasContent("before");
                TestServer.await(() -> Files.exists(home.resolve("models/loras/after.safetensors")),
                        Duration.ofSeconds(30), "the after_start model");
                assertThat(home.resolve("models/loras/after.safetensors")).hasContent("after");
                String graph = Graphs.txt2img(1, 64, 64, "m").replace("sd15.safetensors", "before.safetensors");
                assertThat(server.post("/prompt", Graphs.body(graph)).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aFailingBeforeStartModelStopsStartUpNamingIt() throws Exception {
        try (FileServer files = new FileServer()) {
            String manifest = """
                    {"models": {"before_start": [{"url": "%s", "local_path": "models/checkpoints/x.safetensors"}]}}"""
                    .formatted(files.url("/missing.safetensors"));
            assertThatThrownBy(() -> TestServer.start(home, Map.of("MANIFEST_JSON", manifest)).close())
                    .hasMessageContaining("models.before_start")
                    .hasMessageContaining("/missing.safetensors")
                    .hasMessageContaining("404");
            assertThat(home.resolve("models/checkpoints/x.safetensors")).doesNotExist();
        }
    }
}
