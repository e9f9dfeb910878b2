package org.comfyapi.server.config;

import org.comfyapi.server.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @Test
    void defaultsMatchTheNodeServer() {
        Config config = Config.load(Map.of("HOME", "/home/u"));
        assertThat(config.comfy().alwaysRestart()).isFalse();
        assertThat(config.comfy().base()).isEqualTo("ai-dock");
        assertThat(config.comfy().cmd()).containsExactly("init.sh");
        assertThat(config.dirs().comfyHome()).isEqualTo(Path.of("/opt/ComfyUI"));
        assertThat(config.comfy().port()).isEqualTo(8188);
        assertThat(config.comfy().directAddress()).isEqualTo("127.0.0.1");
        assertThat(config.http().host()).isEqualTo("::");
        assertThat(config.http().port()).isEqualTo(3000);
        assertThat(config.dirs().input()).isEqualTo(Path.of("/opt/ComfyUI/input"));
        assertThat(config.dirs().output()).isEqualTo(Path.of("/opt/ComfyUI/output"));
        assertThat(config.dirs().models()).isEqualTo(Path.of("/opt/ComfyUI/models"));
        assertThat(config.dirs().workflows()).isEqualTo(Path.of("/workflows"));
        assertThat(config.dirs().cache()).isEqualTo(Path.of("/home/u/.cache/comfyui-api"));
        assertThat(config.log().level()).isEqualTo(Log.Level.INFO);
        assertThat(config.http().markdownSchemaDescriptions()).isTrue();
        assertThat(config.http().maxBodySizeBytes()).isEqualTo(100L * 1024 * 1024);
        assertThat(config.http().maxQueueDepth()).isZero();
        assertThat(config.webhooks().retries()).isEqualTo(3);
        assertThat(config.comfy().startupCheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.comfy().startupCheckMaxTries()).isEqualTo(10);
        assertThat(config.prependFilenames()).isTrue();
        assertThat(config.warmup().prompt()).isEmpty();
        assertThat(config.webhooks().systemUrl()).isEmpty();
        assertThat(config.comfy().baseUri().toString()).isEqualTo("http://127.0.0.1:8188");
    }

    @Test
    void readsEveryVariable() {
        Config config = Config.load(Map.ofEntries(
                Map.entry("ALWAYS_RESTART_COMFYUI", "true"),
                Map.entry("CMD", "python main.py  --listen 0.0.0.0"),
                Map.entry("COMFY_HOME", "/srv/comfy"),
                Map.entry("COMFYUI_PORT_HOST", "9000"),
                Map.entry("DIRECT_ADDRESS", "::1"),
                Map.entry("PORT", "8080"),
                Map.entry("LOG_LEVEL", "DEBUG"),
                Map.entry("MAX_BODY_SIZE_MB", "2"),
                Map.entry("MAX_QUEUE_DEPTH", "5"),
                Map.entry("STARTUP_CHECK_INTERVAL_S", "0.5"),
                Map.entry("STARTUP_CHECK_MAX_TRIES", "20"),
                Map.entry("PREPEND_FILENAMES", "false"),
                Map.entry("SYSTEM_WEBHOOK_URL", "http://hooks.local/x"),
                Map.entry("SYSTEM_WEBHOOK_EVENTS", "progress, executing"),
                Map.entry("SYSTEM_META_batch", "abc"),
                Map.entry("SALAD_MACHINE_ID", "m1")));
        assertThat(config.comfy().alwaysRestart()).isTrue();
        assertThat(config.comfy().cmd()).containsExactly("python", "main.py", "--listen", "0.0.0.0");
        assertThat(config.dirs().input()).isEqualTo(Path.of("/srv/comfy/input"));
        assertThat(config.comfy().baseUri().toString()).isEqualTo("http://[::1]:9000");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.log().level()).isEqualTo(Log.Level.DEBUG);
        assertThat(config.http().maxBodySizeBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(config.http().maxQueueDepth()).isEqualTo(5);
        assertThat(config.comfy().startupCheckInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.comfy().startupCheckMaxTries()).isEqualTo(20);
        assertThat(config.prependFilenames()).isFalse();
        assertThat(config.webhooks().systemEvents()).containsExactly("progress", "executing");
        assertThat(config.webhooks().systemMetadata()).containsEntry("batch", "abc").containsEntry("salad_machine_id", "m1");
    }

    @Test
    void badValuesNameTheVariable() {
        for (var bad : List.of(
                Map.of("PORT", "http"), Map.of("PORT", "70000"), Map.of("COMFYUI_PORT_HOST", "x"),
                Map.of("LOG_LEVEL", "verbose"), Map.of("ALWAYS_RESTART_COMFYUI", "sometimes"),
                Map.of("MAX_BODY_SIZE_MB", "-1"), Map.of("STARTUP_CHECK_MAX_TRIES", "0"),
                Map.of("SYSTEM_WEBHOOK_URL", "not a url"), Map.of("WARMUP_PROMPT_URL", "ftp://x/y"))) {
            String variable = bad.keySet().iterator().next();
            assertThatThrownBy(() -> Config.load(bad))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(variable + ": ");
        }
    }

    @Test
    void warmupFileMustBeReadableAndAPrompt(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Config.load(Map.of("WARMUP_PROMPT_FILE", dir.resolve("missing.json").toString())))
                .hasMessageStartingWith("WARMUP_PROMPT_FILE: cannot read");
        Path invalid = Files.writeString(dir.resolve("bad.json"), "{\"1\": ");
        assertThatThrownBy(() -> Config.load(Map.of("WARMUP_PROMPT_FILE", invalid.toString())))
                .hasMessageStartingWith("WARMUP_PROMPT_FILE: is not valid JSON");
        Path noClass = Files.writeString(dir.resolve("noclass.json"), "{\"1\": {\"inputs\": {}}}");
        assertThatThrownBy(() -> Config.load(Map.of("WARMUP_PROMPT_FILE", noClass.toString())))
                .hasMessageContaining("class_type");
        Path good = Files.writeString(dir.resolve("good.json"),
                "{\"1\": {\"class_type\": \"SaveImage\", \"inputs\": {\"filename_prefix\": \"w\"}}}");
        Config config = Config.load(Map.of("WARMUP_PROMPT_FILE", good.toString()));
        assertThat(config.warmup().prompt()).get().satisfies(p -> assertThat(p.has("1")).isTrue());
    }
}
