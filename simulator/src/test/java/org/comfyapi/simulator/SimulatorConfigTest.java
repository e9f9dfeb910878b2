package org.comfyapi.simulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorConfigTest {
    @Test
    void defaultsAndComfyFlags() {
        SimulatorConfig c = SimulatorConfig.parse("--listen", "--port", "9000", "--base-directory", "/srv/comfy", "--cpu",
                "--temp-directory", "/tmp/t", "--max-upload-size", "50", "--preview-method", "auto", "--frobnicate", "x", "stray");
        assertThat(c.listen()).containsExactly("0.0.0.0", "::");
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.baseDir()).isEqualTo(Path.of("/srv/comfy"));
        assertThat(c.inputDir()).isEqualTo(Path.of("/srv/comfy/input"));
        assertThat(c.tempDir()).isEqualTo(Path.of("/tmp/t/temp"));
        assertThat(c.maxUploadBytes()).isEqualTo(50L * 1024 * 1024);
        assertThat(c.maxUploadSizeExplicit()).isTrue();
        assertThat(c.previewMethod()).isEqualTo("auto");
        assertThat(c.warnings()).hasSize(2);
        assertThat(c.argv()).startsWith("main.py", "--listen");

        SimulatorConfig d = SimulatorConfig.parse("--listen", "10.0.0.1", "--port=8189", "--dont-print-server");
        assertThat(d.listen()).containsExactly("10.0.0.1");
        assertThat(d.port()).isEqualTo(8189);
        assertThat(d.dontPrintServer()).isTrue();
        assertThat(d.stepMs()).isEqualTo(20);
        assertThat(d.listen()).hasSize(1);
        assertThat(SimulatorConfig.parse().listen()).containsExactly("127.0.0.1");
    }

    @Test
    void badValuesAreRejected() {
        assertThatThrownBy(() -> SimulatorConfig.parse("--port", "x")).hasMessageContaining("invalid int value");
        assertThatThrownBy(() -> SimulatorConfig.parse("--port")).hasMessageContaining("expected one argument");
    }
}
