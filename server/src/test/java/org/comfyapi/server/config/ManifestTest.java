package org.comfyapi.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestTest {

    @Test
    void readsYamlFilesAndInlineJson(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("manifest.yaml"), """
                apt: [ffmpeg]
                pip:
                  - numpy==2.0
                custom_nodes:
                  - comfyui-impact-pack
                  - https://github.com/x/nodes.git@v1.2
                models:
                  before_start:
                    - url: https://example.test/a.safetensors
                      local_path: models/checkpoints/a.safetensors
                  after_start:
                    - url: s3://bucket/b.safetensors
                      local_path: /opt/ComfyUI/models/loras/b.safetensors
                """);
        Manifest manifest = Manifest.fromEnv(Map.of("MANIFEST", yaml.toString())).orElseThrow();
        assertThat(manifest.apt()).containsExactly("ffmpeg");
        assertThat(manifest.pip()).containsExactly("numpy==2.0");
        assertThat(manifest.customNodes()).containsExactly("comfyui-impact-pack", "https://github.com/x/nodes.git@v1.2");
        assertThat(manifest.beforeStart()).containsExactly(
                new Manifest.ModelFile("https://example.test/a.safetensors", "models/checkpoints/a.safetensors"));
        assertThat(manifest.afterStart()).hasSize(1);

        Manifest inline = Manifest.fromEnv(Map.of("MANIFEST_JSON", "{\"pip\": [\"torch\"]}")).orElseThrow();
        assertThat(inline.pip()).containsExactly("torch");
        assertThat(Manifest.fromEnv(Map.of())).isEmpty();
    }

    @Test
    void badManifestsNameTheVariable(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Manifest.fromEnv(Map.of("MANIFEST", dir.resolve("none.yaml").toString())))
                .hasMessageStartingWith("MANIFEST: cannot read");
        assertThatThrownBy(() -> Manifest.fromEnv(Map.of("MANIFEST_JSON", "{\"pip\": ")))
                .hasMessageStartingWith("MANIFEST_JSON: is not valid JSON");
        assertThatThrownBy(() -> Manifest.fromEnv(Map.of("MANIFEST_JSON", "{\"apt\": \"ffmpeg\"}")))
                .hasMessage("MANIFEST_JSON: apt must be a list of strings");
        assertThatThrownBy(() -> Manifest.fromEnv(Map.of("MANIFEST_JSON", "{\"models\": {\"before_start\": [{\"url\": \"x\"}]}}")))
                .hasMessageContaining("models.before_start[0]");
    }
}
