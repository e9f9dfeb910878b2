package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What workflows add to the server's time to ready, as the server loads them: {@link WorkflowRegistry#prepare}
 * runs while ComfyUI boots, and only {@link WorkflowRegistry.Prepared#load} (once ComfyUI has said which
 * models, samplers and schedulers it has) comes after. Prints the numbers; asserts nothing about time.
 * Run it alone for cold-JVM numbers: {@code mvn -pl server test -Dtest=WorkflowStartupTimingTest}.
 */
@Tag("timing")
class WorkflowStartupTimingTest {
    private static final int FILES = 20;
    private static final int REQUESTS = 200;

    @TempDir
    Path dir;

    @Test
    void prepareThenLoadThenRequests() {
        for (int i = 0; i < FILES; i++) {
            Workflows.write(dir, "group" + (i % 4) + "/txt2img-" + i + ".ts", Workflows.seedTxt2Img());
        }
        long started = System.nanoTime();
        WorkflowRegistry.Prepared prepared = WorkflowRegistry.prepare(dir, WorkflowLimits.defaults());
        long preparedAt = System.nanoTime();
        try (WorkflowRegistry registry = prepared.load(Workflows.environment())) {
            long loadedAt = System.nanoTime();
            assertThat(registry.endpoints()).hasSize(FILES);

            ObjectNode input = new ObjectMapper().createObjectNode().put("prompt", "a lighthouse at dusk");
            long first = System.nanoTime();
            registry.endpoints().getFirst().generate(input);
            double firstMs = (System.nanoTime() - first) / 1e6;
            double[] micros = new double[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                long t = System.nanoTime();
                registry.endpoints().get(i % FILES).generate(input.deepCopy().put("seed", i));
                micros[i] = (System.nanoTime() - t) / 1e3;
            }
            double[] steady = Arrays.copyOfRange(micros, REQUESTS / 2, REQUESTS);
            Arrays.sort(steady);
            System.out.printf("workflow startup timing: %d files: prepare (beside ComfyUI boot) %d ms, load once ComfyUI"
                            + " answers %d ms; per request validate+generate: first %.1f ms, steady p50 %.0f us,"
                            + " p90 %.0f us, mean of first %d %.2f ms%n",
                    FILES, (preparedAt - started) / 1_000_000, (loadedAt - preparedAt) / 1_000_000, firstMs,
                    steady[steady.length / 2], steady[steady.length * 9 / 10], REQUESTS / 2,
                    Arrays.stream(micros, 0, REQUESTS / 2).sum() / 1000 / (REQUESTS / 2));
        }
    }
}
