package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Queue ordering, /queue and /history management, interrupts (§2.3-2.9, §4.1). */
class QueueTest {
    @TempDir
    Path dir;
    SimHarness sim;

    @BeforeEach
    void start() throws Exception {
        sim = new SimHarness(dir);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private String submit(ObjectNode graph, String clientId, boolean front) throws Exception {
        ObjectNode body = PyJson.object();
        body.set("prompt", graph);
        body.put("client_id", clientId);
        if (front) body.put("front", true);
        return PyJson.loads(sim.post("/prompt", body).body()).get("prompt_id").asText();
    }

    /** Submits a prompt that hangs in node 2 and returns its id once node 2 is executing. */
    private String submitBlocker(WsClient ws, String clientId) throws Exception {
        String blocker = submit(Graphs.fault("hang", 0, "blk"), clientId, false);
        ws.await(m -> m.path("type").asText().equals("executing") && m.path("data").path("node").asText().equals("2"), 5000);
        return blocker;
    }

    @Test
    void frontJumpsAheadAndPendingIsTheRawHeap() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String blocker = submitBlocker(ws, cid);
        String a = submit(Graphs.fault("none", 0, "a"), cid, false);
        String b = submit(Graphs.fault("none", 0, "b"), cid, false);
        String c = submit(Graphs.fault("none", 0, "c"), cid, true);

        JsonNode queue = sim.getJson("/queue");
        assertThat(queue.path("queue_running").size()).isEqualTo(1);
        assertThat(queue.path("queue_running").get(0).get(1).asText()).isEqualTo(blocker);
        List<String> pending = new ArrayList<>();
        queue.path("queue_pending").forEach(i -> pending.add(i.get(1).asText() + "@" + i.get(0).asLong()));
        assertThat(pending).containsExactly(c + "@-3", b + "@2", a + "@1");
        assertThat(sim.getJson("/prompt").path("exec_info").path("queue_remaining").asInt()).isEqualTo(4);

        // Interrupting a prompt that is only queued does nothing.
        assertThat(sim.post("/interrupt", "{\"prompt_id\": \"" + a + "\"}").body()).isEmpty();
        assertThat(sim.getJson("/queue").path("queue_running").get(0).get(1).asText()).isEqualTo(blocker);

        assertThat(sim.post("/interrupt", "{\"prompt_id\": \"" + blocker + "\"}").statusCode()).isEqualTo(200);
        ws.untilDone(b);
        List<String> starts = new ArrayList<>();
        ws.snapshot().stream().filter(m -> m.path("type").asText().equals("execution_start"))
                .forEach(m -> starts.add(m.path("data").path("prompt_id").asText()));
        assertThat(starts).containsExactly(blocker, c, a, b);
        assertThat(sim.awaitHistory(a).path("status").path("status_str").asText()).isEqualTo("success");
        JsonNode blocked = sim.awaitHistory(blocker).path("status");
        assertThat(blocked.path("status_str").asText()).isEqualTo("error");
        assertThat(blocked.path("completed").asBoolean()).isFalse();
        assertThat(blocked.path("messages").get(2).get(0).asText()).isEqualTo("execution_interrupted");
    }

    @Test
    void interruptDuringSamplingGivesSequenceE() throws Exception {
        sim.close();
        sim = new SimHarness(dir, "--step-ms", "30");
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String pid = submit(Graphs.txt2img(3, 50, "int"), cid, false);
        ws.await(m -> m.path("type").asText().equals("progress") && m.path("data").path("value").asInt() == 2, 5000);
        assertThat(sim.post("/interrupt", "").statusCode()).isEqualTo(200);
        List<JsonNode> rest = ws.untilDone(pid);
        List<String> types = new ArrayList<>();
        rest.forEach(m -> types.add(m.path("type").asText()));
        int i = types.indexOf("execution_interrupted");
        assertThat(i).isNotNegative();
        assertThat(types.subList(i, types.size())).containsExactly("execution_interrupted", "status", "executing");
        assertThat(types.subList(0, i)).doesNotContain("execution_success", "executed");
        JsonNode intr = rest.get(i).path("data");
        assertThat(intr.path("node_id").asText()).isEqualTo("3");
        assertThat(intr.path("node_type").asText()).isEqualTo("KSampler");
        assertThat(intr.path("executed").toString()).isEqualTo("[\"4\",\"5\",\"7\",\"6\"]");
        assertThat(intr.path("timestamp").isIntegralNumber()).isTrue();
        JsonNode entry = sim.awaitHistory(pid);
        assertThat(entry.path("status").path("status_str").asText()).isEqualTo("error");
        assertThat(entry.path("outputs").isEmpty()).isTrue();
    }

    @Test
    void queueDeleteClearAndHistoryManagement() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String blocker = submitBlocker(ws, cid);
        String a = submit(Graphs.fault("none", 0, "a"), cid, false);
        String b = submit(Graphs.fault("none", 0, "b"), cid, false);
        assertThat(sim.post("/queue", "{\"delete\": [\"" + a + "\", \"unknown\"]}").body()).isEmpty();
        assertThat(sim.getJson("/queue").path("queue_pending").size()).isEqualTo(1);
        assertThat(sim.post("/queue", "{\"clear\": true}").statusCode()).isEqualTo(200);
        assertThat(sim.getJson("/queue").path("queue_pending").size()).isZero();
        assertThat(sim.getJson("/history/" + blocker).isEmpty()).isTrue();
        sim.post("/interrupt", "{}");
        sim.awaitHistory(blocker);
        assertThat(sim.getJson("/history/" + a).isEmpty()).isTrue();
        assertThat(sim.getJson("/history/" + b).isEmpty()).isTrue();

        List<String> ids = new ArrayList<>();
        ids.add(blocker);
        for (int i = 0; i < 3; i++) {
            String id = submit(Graphs.fault("none", 0, "h" + i), cid, false);
            sim.awaitHistory(id);
            ids.add(id);
        }
        assertThat(names(sim.getJson("/history"))).containsExactlyElementsOf(ids);
        assertThat(names(sim.getJson("/history?max_items=2"))).containsExactly(ids.get(2), ids.get(3));
        assertThat(names(sim.getJson("/history?max_items=2&offset=1"))).containsExactly(ids.get(1), ids.get(2));
        assertThat(names(sim.getJson("/api/history?offset=3"))).containsExactly(ids.get(3));
        assertThat(sim.get("/history?max_items=x").statusCode()).isEqualTo(500);
        sim.post("/history", "{\"delete\": [\"" + ids.get(0) + "\", \"nope\"]}");
        assertThat(names(sim.getJson("/history"))).containsExactlyElementsOf(ids.subList(1, 4));
        sim.post("/history", "{\"clear\": true}");
        assertThat(sim.getJson("/history").isEmpty()).isTrue();
    }

    @Test
    void hangOnPromptBlocksTheFirstNodeUntilInterruptAndSecretsStayOutOfHistory() throws Exception {
        sim.close();
        sim = new SimHarness(dir, "--hang-on-prompt");
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        ObjectNode body = PyJson.object();
        body.set("prompt", Graphs.fault("none", 0, "hang"));
        body.put("client_id", cid);
        body.set("extra_data", PyJson.loads("{\"api_key_comfy_org\": \"secret\", \"keep\": 1}"));
        String pid = PyJson.loads(sim.post("/prompt", body).body()).get("prompt_id").asText();
        ws.await(m -> m.path("type").asText().equals("executing") && m.path("data").path("node").asText().equals("1"), 5000);
        JsonNode running = sim.getJson("/queue").path("queue_running").get(0);
        assertThat(running.get(3).path("api_key_comfy_org").asText()).isEqualTo("secret");

        // A client reconnecting with the running prompt's client id is told which node is executing.
        WsClient again = sim.connect(cid);
        JsonNode hello = again.awaitType("status");
        assertThat(hello.path("data").path("sid").asText()).isEqualTo(cid);
        assertThat(PyJson.dumps(again.awaitType("executing").path("data"))).isEqualTo("{\"node\": \"1\"}");

        sim.post("/interrupt", "");
        JsonNode entry = sim.awaitHistory(pid);
        assertThat(entry.path("status").path("messages").get(2).get(1).path("node_id").asText()).isEqualTo("1");
        assertThat(PyJson.dumps(entry.path("prompt").get(3))).isEqualTo("{\"keep\": 1, \"client_id\": \"" + cid + "\"}");
    }

    private static List<String> names(JsonNode o) {
        List<String> l = new ArrayList<>();
        o.fieldNames().forEachRemaining(l::add);
        return l;
    }
}
