package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what the server pays: loading N files (at start, beside ComfyUI's boot) and the JavaScript
 * time of one request. Prints the numbers; asserts only generous bounds so a busy machine passes.
 */
class WorkflowTimingTest {
    private static final int FILES = 30;
    private static final int REQUESTS = 300;

    @TempDir
    Path dir;

    @Test
    void loadAndRequestTimes() throws Exception {
        for (int i = 0; i < FILES; i++) {
            Workflows.write(dir, "group" + (i % 5) + "/txt2img-" + i + ".ts", Workflows.seedTxt2Img());
        }
        long started = System.nanoTime();
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, Workflows.environment(), 2)) {
            long loadMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(registry.endpoints()).hasSize(FILES);

            long refreshStarted = System.nanoTime();
            registry.refresh(Workflows.environment());
            long refreshMs = (System.nanoTime() - refreshStarted) / 1_000_000;

            ObjectNode input = new ObjectMapper().createObjectNode().put("prompt", "a lighthouse at dusk");
            WorkflowEndpoint endpoint = registry.endpoints().getFirst();
            long firstStarted = System.nanoTime();
            endpoint.generate(input);
            double firstMs = (System.nanoTime() - firstStarted) / 1e6;

            double[] micros = new double[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                WorkflowEndpoint next = registry.endpoints().get(i % FILES);
                long t = System.nanoTime();
                next.generate(input);
                micros[i] = (System.nanoTime() - t) / 1e3;
            }
            double[] last = Arrays.copyOfRange(micros, REQUESTS / 2, REQUESTS);
            Arrays.sort(last);
            System.out.printf("workflow timing: load %d files %d ms (this JVM's first load includes engine and sucrase"
                            + " start-up), refresh %d ms, first request %.1f ms, steady request p50 %.0f us p90 %.0f us"
                            + " (first %d requests: %.1f ms total)%n",
                    FILES, loadMs, refreshMs, firstMs, last[last.length / 2], last[last.length * 9 / 10],
                    REQUESTS / 2, Arrays.stream(micros, 0, REQUESTS / 2).sum() / 1000);
            assertThat(loadMs).isLessThan(120_000);
            assertThat(last[last.length / 2]).isLessThan(1_000_000);
        }
    }
}
