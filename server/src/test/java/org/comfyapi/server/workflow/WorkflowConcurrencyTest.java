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

/** Concurrent requests each get their own graph, and do not wait behind each other's JavaScript. */
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

    @Test
    void slowJavaScriptDoesNotSerializeRequests() throws Exception {
        // Each call stays in JavaScript until a shared deadline and reports when it got in. Had the calls
        // been serialized, all but the first would have got in only after the deadline.
        Workflows.write(dir, "slow.js", """
                const { z } = require("zod");
                module.exports = {
                  RequestSchema: z.object({ id: z.number(), until: z.number() }),
                  generateWorkflow: (input) => {
                    const entered = Date.now();
                    while (Date.now() < input.until) { /* busy, as a slow generateWorkflow would be */ }
                    return { "1": { class_type: "Slow", inputs: { id: input.id, entered } } };
                  },
                };
                """);
        int parallel = 4;
        try (WorkflowRegistry registry = WorkflowRegistry.load(dir, Workflows.environment(), parallel);
             ExecutorService threads = Executors.newFixedThreadPool(parallel)) {
            WorkflowEndpoint slow = registry.find("slow").orElseThrow();
            runConcurrently(threads, slow, parallel, System.currentTimeMillis()); // makes all the contexts
            long deadline = System.currentTimeMillis() + 1500;
            for (ObjectNode prompt : runConcurrently(threads, slow, parallel, deadline)) {
                assertThat(prompt.at("/1/inputs/entered").asLong()).isLessThan(deadline);
            }
        }
    }

    private static List<ObjectNode> runConcurrently(ExecutorService threads, WorkflowEndpoint endpoint, int count,
                                                    long until) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Generated>> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode input = JSON.createObjectNode().put("id", i).put("until", until);
            results.add(threads.submit(() -> {
                start.await();
                return endpoint.generate(input);
            }));
        }
        start.countDown();
        List<ObjectNode> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode prompt = results.get(i).get(60, TimeUnit.SECONDS).prompt();
            assertThat(prompt.at("/1/inputs/id").asInt()).isEqualTo(i);
            prompts.add(prompt);
        }
        return prompts;
    }
}
