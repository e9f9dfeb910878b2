package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.graph.GraphValidator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.simulator.nodes.NodeRegistry;
import org.comfyapi.simulator.nodes.NodeType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** comfy_execution.graph.ExecutionList: the pending nodes, their blockers and ComfyUI's UX-friendly pick order. */
final class ExecutionList {
    private final ObjectNode prompt;
    private final NodeRegistry registry;
    private final Predicate<String> isCached;
    private final LinkedHashMap<String, Boolean> pending = new LinkedHashMap<>();
    private final Map<String, Integer> blockCount = new HashMap<>();
    private final Map<String, LinkedHashMap<String, Set<Integer>>> blocking = new HashMap<>();
    private String staged;

    ExecutionList(ObjectNode prompt, NodeRegistry registry, Predicate<String> isCached) {
        this.prompt = prompt;
        this.registry = registry;
        this.isCached = isCached;
    }

    static boolean isLink(JsonNode v) {
        return GraphValidator.isLink(v);
    }

    void addNode(String nodeId) {
        Deque<String> stack = new ArrayDeque<>();
        stack.push(nodeId);
        List<String[]> links = new ArrayList<>();
        while (!stack.isEmpty()) {
            String id = stack.pop();
            if (pending.containsKey(id)) continue;
            pending.put(id, true);
            blockCount.put(id, 0);
            blocking.put(id, new LinkedHashMap<>());
            JsonNode inputs = prompt.path(id).path("inputs");
            for (Map.Entry<String, JsonNode> e : inputs.properties()) {
                if (!isLink(e.getValue())) continue;
                String from = e.getValue().get(0).textValue();
                if (!isCached.test(from)) stack.push(from);
                links.add(new String[]{from, String.valueOf(e.getValue().get(1).asInt()), id});
            }
        }
        for (String[] l : links) addStrongLink(l[0], Integer.parseInt(l[1]), l[2]);
    }

    private void addStrongLink(String from, int socket, String to) {
        if (isCached.test(from)) return;
        addNode(from);
        LinkedHashMap<String, Set<Integer>> b = blocking.get(from);
        if (!b.containsKey(to)) {
            b.put(to, new LinkedHashSet<>());
            blockCount.merge(to, 1, Integer::sum);
        }
        b.get(to).add(socket);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    String stage() {
        List<String> ready = new ArrayList<>();
        pending.keySet().forEach(id -> {
            if (blockCount.get(id) == 0) ready.add(id);
        });
        if (ready.isEmpty()) throw new IllegalStateException("Dependency cycle detected");
        staged = pick(ready);
        return staged;
    }

    void complete() {
        pending.remove(staged);
        for (String blocked : blocking.get(staged).keySet()) blockCount.merge(blocked, -1, Integer::sum);
        blocking.remove(staged);
        staged = null;
    }

    private boolean isOutput(String id) {
        NodeType t = registry.get(prompt.path(id).path("class_type").asText());
        return t != null && t.outputNode();
    }

    private String pick(List<String> ready) {
        for (String id : ready) if (isOutput(id)) return id;
        for (String id : ready) {
            for (String b : blocking.get(id).keySet()) if (isOutput(b)) return id;
        }
        for (String id : ready) {
            for (String b : blocking.get(id).keySet()) {
                for (String b1 : blocking.getOrDefault(b, new LinkedHashMap<>()).keySet()) if (isOutput(b1)) return id;
            }
        }
        return ready.getFirst();
    }
}
