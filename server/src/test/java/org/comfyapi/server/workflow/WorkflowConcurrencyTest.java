package org.comfyapi.server.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Concurrent requests each get their own graph ({@link ContextPoolTest}: they do not wait behind each other). */
class WorkflowConcurrencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void twentyConcurrentRequestsEachGetTheirOwnGraph() throws Exception {
        Workflows.write(dir, "sdxl/txt2img.ts", Workflows.seedTxt2Img());
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, Workflows.environment(), 4);
             ExecutorService threads = Executors.newFixedThreadPool(20)) {
            WorkflowEndpoint endpoint = registry.find("sdxl/txt2img").orElseThrow();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Generated>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ObjectNode input = JSON.createObjectNode()
                        .put("prompt", "prompt number " + i)
                        .put("seed", 1000 + i)
                        .put("width", 256 + 64 * i)
                        .put("steps", 1 + i)
                        .put("sampler_name", List.of("euler", "euler_ancestral", "dpmpp_2m").get(i % 3));
                results.add(threads.submit(() -> {
                    start.await();
                    return endpoint.generate(input);
                }));
            }
            start.countDown();
            for (int i = 0; i < 20; i++) {
                ObjectNode prompt = results.get(i).get(60, TimeUnit.SECONDS).prompt();
                assertThat(prompt.at("/6/inputs/text").asText()).isEqualTo("prompt number " + i);
                assertThat(prompt.at("/3/inputs/seed").asInt()).isEqualTo(1000 + i);
                assertThat(prompt.at("/5/inputs/width").asInt()).isEqualTo(256 + 64 * i);
                assertThat(prompt.at("/3/inputs/steps").asInt()).isEqualTo(1 + i);
                assertThat(prompt.at("/3/inputs/sampler_name").asText())
                        .isEqualTo(List.of("euler", "euler_ancestral", "dpmpp_2m").get(i % 3));
            }
        }
    }
}
