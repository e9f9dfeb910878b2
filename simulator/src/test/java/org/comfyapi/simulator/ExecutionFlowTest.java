package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Message sequences of §3.6 and the history entry of §2.8. */
class ExecutionFlowTest extends SharedSimulatorTest {
    private static List<String> describe(List<JsonNode> frames) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : frames) {
            String type = f.path("type").asText();
            JsonNode d = f.path("data");
            switch (type) {
                case "status" -> out.add("status " + d.path("status").path("exec_info").path("queue_remaining").asInt());
                case "executing" -> out.add("executing " + (d.path("node").isNull() ? "null" : d.path("node").asText()));
                case "executed" -> out.add("executed " + d.path("node").asText());
                case "progress" -> out.add("progress " + d.path("node").asText() + " " + d.path("value").asInt() + "/" + d.path("max").asInt());
                case "progress_state" -> {
                    StringBuilder sb = new StringBuilder("ps");
                    d.path("nodes").properties().forEach(e -> sb.append(" ").append(e.getKey()).append(":")
                            .append(e.getValue().path("state").asText().charAt(0)));
                    out.add(sb.toString());
                }
                case "execution_cached" -> out.add("cached " + d.path("nodes"));
                default -> out.add(type);
            }
        }
        return out;
    }

    @Test
    void freshRunEmitsTheProtocolSequenceAndWritesHistory() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connect(cid);
        JsonNode first = ws.awaitType("status");
        assertThat(first.path("data").path("sid").asText()).isEqualTo(cid);

        JsonNode resp = sim.queuePrompt(Graphs.txt2img(11, 3, "fresh"), cid);
        String pid = resp.get("prompt_id").asText();
        assertThat(resp.get("node_errors").isEmpty()).isTrue();
        List<JsonNode> frames = ws.untilDone(pid);

        assertThat(describe(frames)).containsExactly(
                "status 1", "status 1", "execution_start", "cached []",
                "ps 4:r", "executing 4", "ps 4:f",
                "ps 4:f 5:r", "executing 5", "ps 4:f 5:f",
                "ps 4:f 5:f 7:r", "executing 7", "ps 4:f 5:f 7:f",
                "ps 4:f 5:f 7:f 6:r", "executing 6", "ps 4:f 5:f 7:f 6:f",
                "ps 4:f 5:f 7:f 6:f 3:r", "executing 3",
                "ps 4:f 5:f 7:f 6:f 3:r", "progress 3 1/3",
                "ps 4:f 5:f 7:f 6:f 3:r", "progress 3 2/3",
                "ps 4:f 5:f 7:f 6:f 3:r", "progress 3 3/3",
                "ps 4:f 5:f 7:f 6:f 3:f",
                "ps 4:f 5:f 7:f 6:f 3:f 8:r", "executing 8", "ps 4:f 5:f 7:f 6:f 3:f 8:f",
                "ps 4:f 5:f 7:f 6:f 3:f 8:f 9:r", "executing 9", "executed 9", "ps 4:f 5:f 7:f 6:f 3:f 8:f 9:f",
                "execution_success", "status 0", "executing null");

        JsonNode start = frames.get(2).path("data");
        assertThat(start.path("prompt_id").asText()).isEqualTo(pid);
        assertThat(start.path("timestamp").isIntegralNumber()).isTrue();
        JsonNode ps = frames.get(describe(frames).indexOf("ps 4:f 5:f 7:f 6:f 3:f")).path("data").path("nodes").path("3");
        assertThat(ps.path("value").asInt()).isEqualTo(3);
        assertThat(ps.path("max").asInt()).isEqualTo(3);
        assertThat(ps.path("node_id").asText()).isEqualTo("3");
        assertThat(ps.path("display_node_id").asText()).isEqualTo("3");
        assertThat(ps.path("parent_node_id").isNull()).isTrue();
        JsonNode executed = frames.stream().filter(f -> f.path("type").asText().equals("executed")).findFirst().orElseThrow().path("data");
        assertThat(executed.path("display_node").asText()).isEqualTo("9");
        assertThat(executed.path("output").path("images").get(0).path("filename").asText()).isEqualTo("fresh_00001_.png");

        JsonNode entry = sim.awaitHistory(pid);
        assertThat(iter(entry.fieldNames())).containsExactly("prompt", "outputs", "status", "meta");
        JsonNode tuple = entry.get("prompt");
        assertThat(tuple.size()).isEqualTo(5);
        assertThat(tuple.get(1).asText()).isEqualTo(pid);
        assertThat(tuple.get(2).path("3").path("inputs").path("cfg").isDouble()).isTrue();
        assertThat(tuple.get(3).path("client_id").asText()).isEqualTo(cid);
        assertThat(tuple.get(4).get(0).asText()).isEqualTo("9");
        assertThat(entry.path("outputs").path("9").path("images").get(0).path("type").asText()).isEqualTo("output");
        JsonNode status = entry.get("status");
        assertThat(status.path("status_str").asText()).isEqualTo("success");
        assertThat(status.path("completed").asBoolean()).isTrue();
        List<String> messages = new ArrayList<>();
        status.path("messages").forEach(m -> messages.add(m.get(0).asText()));
        assertThat(messages).containsExactly("execution_start", "execution_cached", "execution_success");
        assertThat(entry.path("meta").path("9").toString())
                .isEqualTo("{\"node_id\":\"9\",\"display_node\":\"9\",\"parent_node\":null,\"real_node_id\":\"9\"}");
    }

    @Test
    void identicalRerunIsFullyCachedAndRepeatsFilenames() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String first = sim.queuePrompt(Graphs.txt2img(22, 2, "cached"), cid).get("prompt_id").asText();
        ws.untilDone(first);
        String second = sim.queuePrompt(Graphs.txt2img(22, 2, "cached"), cid).get("prompt_id").asText();
        List<JsonNode> frames = ws.untilDone(second);
        assertThat(describe(frames)).containsExactly("status 1", "status 1", "execution_start",
                "cached [\"4\",\"5\",\"6\",\"7\",\"3\",\"8\",\"9\"]", "executed 9", "ps 9:f", "execution_success", "status 0",
                "executing null");
        JsonNode ps = frames.get(5).path("data").path("nodes").path("9");
        assertThat(ps.path("value").asInt()).isEqualTo(1);
        JsonNode entry = sim.awaitHistory(second);
        assertThat(entry.path("outputs").path("9").path("images").get(0).path("filename").asText()).isEqualTo("cached_00001_.png");
        try (var files = Files.list(sim.sim.paths().outputDir().transform(Path::of))) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("cached_")).count()).isEqualTo(1);
        }

        // A changed seed re-runs the sampler and everything downstream only.
        String third = sim.queuePrompt(Graphs.txt2img(23, 2, "cached"), cid).get("prompt_id").asText();
        List<String> d = describe(ws.untilDone(third));
        assertThat(d.get(3)).isEqualTo("cached [\"4\",\"5\",\"6\",\"7\"]");
        assertThat(d).contains("executing 3", "executing 8", "executing 9").doesNotContain("executing 4");
        assertThat(sim.awaitHistory(third).path("outputs").path("9").path("images").get(0).path("filename").asText())
                .isEqualTo("cached_00002_.png");

        // /free {free_memory} empties the caches: the next identical prompt runs every node again.
        // The worker reads flags after each prompt it takes, so at most one prompt can slip in before the reset.
        assertThat(sim.post("/free", "{\"free_memory\": true}").statusCode()).isEqualTo(200);
        String fourth = sim.queuePrompt(Graphs.txt2img(23, 2, "cached"), cid).get("prompt_id").asText();
        String cached = describe(ws.untilDone(fourth)).get(3);
        if (!cached.equals("cached []")) {
            assertThat(cached).as("taken before the flag was read").isEqualTo("cached [\"4\",\"5\",\"6\",\"7\",\"3\",\"8\",\"9\"]");
            String fifth = sim.queuePrompt(Graphs.txt2img(23, 2, "cached"), cid).get("prompt_id").asText();
            cached = describe(ws.untilDone(fifth)).get(3);
        }
        assertThat(cached).isEqualTo("cached []");
    }

    @Test
    void promptWithoutClientIdOnlyBroadcastsStatusAndProgress() throws Exception {
        WsClient other = sim.connectReady(SimHarness.newClientId());
        ObjectNode g = Graphs.txt2img(33, 2, "anon");
        String pid = sim.queuePrompt(g, null).get("prompt_id").asText();
        sim.awaitHistory(pid);
        other.await(m -> m.path("type").asText().equals("status")
                && m.path("data").path("status").path("exec_info").path("queue_remaining").asInt() == 0, 5000);
        List<String> types = new ArrayList<>();
        other.snapshot().forEach(m -> types.add(m.path("type").asText()));
        assertThat(types).contains("status", "progress", "progress_state")
                .doesNotContain("execution_start", "executing", "executed", "execution_success", "execution_cached");
    }

    @Test
    void featureFlagsAreAnsweredOnFirstMessageOnly() throws Exception {
        WsClient ws = sim.connect(null);
        JsonNode first = ws.awaitType("status");
        assertThat(first.path("data").path("sid").asText()).matches("[0-9a-f]{32}");
        ws.sendText("{\"type\": \"feature_flags\", \"data\": {\"supports_preview_metadata\": true}}");
        JsonNode reply = ws.awaitType("feature_flags");
        assertThat(reply.path("data").path("max_upload_size").asLong()).isEqualTo(104857600L);
        ws.sendText("{\"type\": \"feature_flags\", \"data\": {}}");
        assertThat(ws.pollQuiet(200)).isNull();
    }

    @Test
    void reusedClientIdIsUnregisteredWhenTheOldSocketCloses() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient witness = sim.connectReady(SimHarness.newClientId());
        WsClient a = sim.connectReady(cid);
        WsClient b = sim.connectReady(cid);
        int registered = sim.sim.webSocketCount();
        a.close();
        sim.awaitWebSocketCount(registered - 1);
        String pid = sim.queuePrompt(Graphs.txt2img(44, 1, "reuse"), cid).get("prompt_id").asText();
        sim.awaitHistory(pid);
        // Frames go out one at a time, each written before the next: once the witness has the final status
        // broadcast, anything sent to b came before it, and a pong answered after that arrives behind it.
        witness.await(m -> m.path("type").asText().equals("status")
                && m.path("data").path("status").path("exec_info").path("queue_remaining").asInt() == 0, 10_000);
        b.ping();
        assertThat(b.snapshot()).extracting(m -> m.path("type").asText()).isNotEmpty()
                .doesNotContain("execution_start", "executing", "execution_success");
    }

    private static List<String> iter(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }
}
