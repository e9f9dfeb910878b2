package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.ws.WsHub;

import java.util.LinkedHashMap;
import java.util.Map;

/** comfy_execution.progress: per-node state and the progress_state frames (whole non-pending map each time). */
final class ProgressRegistry {
    private static final class Entry {
        String state = "pending";
        JsonNode value = IntNode.valueOf(0);
        JsonNode max = IntNode.valueOf(1);
    }

    private final String promptId;
    private final String clientId;
    private final WsHub hub;
    private final Map<String, Entry> nodes = new LinkedHashMap<>();

    ProgressRegistry(String promptId, String clientId, WsHub hub) {
        this.promptId = promptId;
        this.clientId = clientId;
        this.hub = hub;
    }

    void start(String nodeId) {
        Entry e = nodes.computeIfAbsent(nodeId, k -> new Entry());
        e.state = "running";
        e.value = DoubleNode.valueOf(0.0);
        e.max = DoubleNode.valueOf(1.0);
        send();
    }

    void update(String nodeId, long value, long max) {
        Entry e = nodes.computeIfAbsent(nodeId, k -> new Entry());
        e.state = "running";
        e.value = LongNode.valueOf(value);
        e.max = LongNode.valueOf(max);
        send();
    }

    void finish(String nodeId) {
        Entry e = nodes.computeIfAbsent(nodeId, k -> new Entry());
        e.state = "finished";
        e.value = e.max;
        send();
    }

    private void send() {
        ObjectNode active = PyJson.object();
        nodes.forEach((id, e) -> {
            if (e.state.equals("pending")) return;
            ObjectNode n = active.putObject(id);
            n.set("value", e.value);
            n.set("max", e.max);
            n.put("state", e.state);
            n.put("node_id", id);
            n.put("prompt_id", promptId);
            n.put("display_node_id", id);
            n.putNull("parent_node_id");
            n.put("real_node_id", id);
        });
        ObjectNode data = PyJson.object();
        data.put("prompt_id", promptId);
        data.set("nodes", active);
        hub.send("progress_state", data, clientId);
    }
}
