package org.comfyapi.server.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} and {@code --version} answer and exit 0 without starting ComfyUI or listening. */
class CommandLineEndToEndTest {
    @Test
    void helpPrintsTheConfigurationTableAndExits(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.startSeparated(dir, Map.of("CMD", "false"), "--help")) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(server.output()).startsWith("Usage: java --sun-misc-unsafe-memory-access=allow -jar comfyui-api.jar")
                    .contains("  PORT  [3000]\n      Port this server listens on.",
                            "  LOG_FORMAT  [text]", "  STARTUP_CHECK_MAX_TRIES  [10]", "  WORKFLOW_DIR  [/workflows]")
                    .doesNotContain("launched ComfyUI", "listening");
            assertThat(server.errorOutput()).isEmpty();
        }
    }

    @Test
    void versionPrintsTheVersionAndExits(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.startSeparated(dir, Map.of("CMD", "false"), "--version")) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(server.output()).matches("comfyui-api \\d+\\.\\d+\\.\\d+\\n");
            assertThat(server.errorOutput()).isEmpty();
        }
    }

    @Test
    void anUnknownOptionIsExitCode2NamingIt(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.startSeparated(dir, Map.of("CMD", "false"), "--port=1")) {
            assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(server.errorOutput()).startsWith("Unknown option: --port=1\nUsage:");
            assertThat(server.output()).isEmpty();
        }
    }
}
