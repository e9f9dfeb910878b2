package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** --node-ms makes an ordinary node class slow, and /interrupt cuts the wait short. */
class SlowNodeTest extends SharedSimulatorTest {
    @Override
    String[] simulatorArgs() {
        // far longer than any wait in this test: only an interrupt can end it
        return new String[]{"--node-ms", "EmptyImage=600000", "--node-ms", "ImageInvert=1,PreviewAny=2"};
    }

    @Test
    void flagParsesRepeatedAndCommaSeparatedPairs() {
        SimulatorConfig c = SimulatorConfig.parse("--node-ms", "ImageBlur=500,KSampler=7", "--node-ms=SaveImage=3");
        assertThat(c.nodeMs()).containsEntry("ImageBlur", 500L).containsEntry("KSampler", 7L).containsEntry("SaveImage", 3L);
        assertThat(SimulatorConfig.parse().nodeMs()).isEmpty();
    }

    @Test
    void aSlowNodeIsInterruptible() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String pid = sim.queuePrompt(Graphs.fault("none", 0, "slow"), cid).get("prompt_id").asText();
        ws.await(m -> m.path("type").asText().equals("executing") && m.path("data").path("node").asText().equals("1"), 10_000);
        assertThat(sim.getJson("/queue").path("queue_running").size()).isEqualTo(1);
        assertThat(sim.post("/interrupt", "").statusCode()).isEqualTo(200);
        List<JsonNode> frames = ws.untilDone(pid);
        JsonNode interrupted = frames.stream().filter(f -> f.path("type").asText().equals("execution_interrupted")).findFirst().orElseThrow();
        assertThat(interrupted.path("data").path("node_id").asText()).isEqualTo("1");
        assertThat(interrupted.path("data").path("node_type").asText()).isEqualTo("EmptyImage");
        assertThat(interrupted.path("data").path("executed").size()).isZero();
        assertThat(sim.awaitHistory(pid).path("status").path("status_str").asText()).isEqualTo("error");
    }
}
