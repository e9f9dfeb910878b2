package org.comfyapi.server.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Transpiled files kept in CACHE_DIR/workflows are used by the next start instead of running sucrase again. */
class TranspileCacheTest {
    @TempDir
    Path dir;
    @TempDir
    Path cache;

    private List<Path> cached() throws Exception {
        try (Stream<Path> files = Files.list(cache)) {
            return files.toList();
        }
    }

    @Test
    void aRestartUsesTheTranspiledFilesItKept() throws Exception {
        Workflows.write(dir, "txt2img.ts", Workflows.seedTxt2Img());
        Workflows.write(dir, "echo.js", Workflows.echoJs("first"));
        try (WorkflowRegistry registry = WorkflowRegistry.prepare(dir, WorkflowLimits.defaults(), cache)
                .load(Workflows.environment())) {
            assertThat(registry.endpoints()).hasSize(2);
        }
        assertThat(cached()).hasSize(2).allSatisfy(file -> assertThat(file.toString()).endsWith(".js"));

        for (Path file : cached()) {
            Files.writeString(file, Files.readString(file).replace("first", "from the cache"));
        }
        try (WorkflowRegistry registry = WorkflowRegistry.prepare(dir, WorkflowLimits.defaults(), cache)
                .load(Workflows.environment())) {
            assertThat(registry.find("echo").orElseThrow().summary()).contains("from the cache");
        }
    }

    @Test
    void aChangedFileIsTranspiledAgain() throws Exception {
        Workflows.write(dir, "echo.js", Workflows.echoJs("one"));
        WorkflowRegistry.prepare(dir, WorkflowLimits.defaults(), cache).load(Workflows.environment()).close();
        Workflows.write(dir, "echo.js", Workflows.echoJs("two"));
        try (WorkflowRegistry registry = WorkflowRegistry.prepare(dir, WorkflowLimits.defaults(), cache)
                .load(Workflows.environment())) {
            assertThat(registry.find("echo").orElseThrow().summary()).contains("two");
        }
        assertThat(cached()).hasSize(2);
    }
}
