package org.comfyapi.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** SimulatorFault and the control routes. */
class FaultTest extends SharedSimulatorTest {
    @Test
    void errorModeIsARealExecutionError() throws Exception {
        String cid = SimHarness.newClientId();
        WsClient ws = sim.connectReady(cid);
        String pid = sim.queuePrompt(Graphs.fault("error", 0, "err"), cid).get("prompt_id").asText();
        List<JsonNode> frames = ws.untilDone(pid);
        List<String> types = new ArrayList<>();
        frames.forEach(f -> types.add(f.path("type").asText()));
        assertThat(types.subList(types.size() - 3, types.size())).containsExactly("execution_error", "status", "executing");
        assertThat(types).doesNotContain("execution_success", "executed");
        JsonNode err = frames.get(types.indexOf("execution_error")).path("data");
        List<String> keys = new ArrayList<>();
        err.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("prompt_id", "node_id", "node_type", "executed", "exception_message", "exception_type",
                "traceback", "current_inputs", "current_outputs", "timestamp");
        assertThat(err.path("node_id").asText()).isEqualTo("2");
        assertThat(err.path("node_type").asText()).isEqualTo("SimulatorFault");
        assertThat(err.path("exception_type").asText()).isEqualTo("RuntimeError");
        assertThat(err.path("exception_message").asText()).isEqualTo("SimulatorFault: injected error (mode=error)\n");
        assertThat(err.path("executed").toString()).isEqualTo("[\"1\"]");
        assertThat(err.path("traceback").isArray()).isTrue();
        assertThat(err.path("current_inputs").path("mode").toString()).isEqualTo("[\"error\"]");
        assertThat(err.path("current_inputs").path("ms").toString()).isEqualTo("[0]");
        assertThat(err.path("current_inputs").path("images").get(0).asText()).startsWith("tensor(");
        assertThat(err.path("current_outputs").toString()).isEqualTo("[\"1\",\"2\",\"3\"]");
        JsonNode entry = sim.awaitHistory(pid);
        assertThat(entry.path("status").path("status_str").asText()).isEqualTo("error");
        assertThat(entry.path("status").path("completed").asBoolean()).isFalse();
        assertThat(entry.path("status").path("messages").get(2).get(0).asText()).isEqualTo("execution_error");
    }

    @Test
    void dropWebsocketsClosesSocketsButServerKeepsRunning() throws Exception {
        WsClient ws = sim.connectReady(SimHarness.newClientId());
        assertThat(sim.post("/__sim/drop_websockets", "").statusCode()).isEqualTo(200);
        assertThat(ws.closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sim.get("/").statusCode()).isEqualTo(200);
        WsClient again = sim.connect(SimHarness.newClientId());
        assertThat(again.awaitType("status")).isNotNull();
    }

    @Test
    void refuseWebsocketsDropsSocketsAndAnswersUpgradesWithABadGatewayUntilTurnedOff() throws Exception {
        WsClient ws = sim.connectReady(SimHarness.newClientId());
        assertThat(sim.post("/__sim/refuse_websockets?on=true", "").statusCode()).isEqualTo(200);
        try {
            assertThat(ws.closed.await(5, TimeUnit.SECONDS)).isTrue();
            Throwable refused = catchThrowable(() -> sim.connect(SimHarness.newClientId()));
            assertThat(handshake(refused).getResponse().statusCode()).isEqualTo(502);
            assertThat(sim.get("/prompt").statusCode()).as("HTTP still answers").isEqualTo(200);
        } finally {
            assertThat(sim.post("/__sim/refuse_websockets?on=false", "").statusCode()).isEqualTo(200);
        }
        assertThat(sim.connect(SimHarness.newClientId()).awaitType("status")).isNotNull();
        assertThat(sim.post("/__sim/refuse_websockets?on=maybe", "").statusCode()).isEqualTo(400);
    }

    private static WebSocketHandshakeException handshake(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof WebSocketHandshakeException e) return e;
        }
        throw new AssertionError("not a refused handshake", t);
    }

    @Test
    void originCheckAndOptions() throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.url("/prompt")))
                .header("Origin", "http://evil.example.com").GET().build();
        assertThat(sim.http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        var same = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.url("/prompt")))
                .header("Origin", "http://127.0.0.1:" + sim.sim.port()).GET().build();
        assertThat(sim.http.send(same, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        var options = java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.url("/anything")))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build();
        assertThat(sim.http.send(options, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
