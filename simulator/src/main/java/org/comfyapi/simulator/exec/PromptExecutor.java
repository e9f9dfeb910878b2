package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.JsonNode;
import org.comfyapi.graph.GraphValidator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.comfyapi.simulator.nodes.ExecContext;
import org.comfyapi.simulator.nodes.Inputs;
import org.comfyapi.simulator.nodes.NodeEnv;
import org.comfyapi.simulator.nodes.NodeRegistry;
import org.comfyapi.simulator.nodes.NodeResult;
import org.comfyapi.simulator.nodes.NodeType;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.queue.QueueItem;
import org.comfyapi.simulator.ws.WsHub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** execution.PromptExecutor.execute: runs one prompt and emits the §3.6 message sequences. */
public final class PromptExecutor {
    /** What the worker needs afterwards: success, the history outputs/meta and the status messages. */
    public record Outcome(boolean success, ObjectNode historyResult, ArrayNode statusMessages) {
    }

    private final NodeRegistry registry;
    private final NodeEnv env;
    private final WsHub hub;
    private final InterruptFlag interrupt;
    private final ServerState state;
    private NodeCaches caches = new NodeCaches();

    public PromptExecutor(NodeRegistry registry, NodeEnv env, WsHub hub, InterruptFlag interrupt, ServerState state) {
        this.registry = registry;
        this.env = env;
        this.hub = hub;
        this.interrupt = interrupt;
        this.state = state;
    }

    /** e.reset(): a new executor, so every cache is empty. */
    public void reset() {
        caches = new NodeCaches();
    }

    private final class Run {
        final QueueItem item;
        final ObjectNode prompt;
        final String promptId;
        final String clientId;
        final ArrayNode statusMessages = PyJson.array();
        final Map<String, String> signatures = new HashMap<>();
        final Set<String> executed = new LinkedHashSet<>();
        final ProgressRegistry progress;
        boolean hangPending;

        Run(QueueItem item) {
            this.item = item;
            this.prompt = item.prompt();
            this.promptId = item.promptId();
            this.clientId = item.clientId();
            this.progress = new ProgressRegistry(promptId, clientId, hub);
            this.hangPending = env.hangOnPrompt();
        }

        void addMessage(String event, ObjectNode data, boolean broadcast) {
            data.put("timestamp", System.currentTimeMillis());
            ArrayNode m = statusMessages.addArray();
            m.add(event);
            m.add(data);
            if (clientId != null || broadcast) hub.send(event, data, clientId);
        }
    }

    public Outcome execute(QueueItem item) {
        interrupt.set(false);
        Run run = new Run(item);
        state.clientId(run.clientId);
        run.addMessage("execution_start", PyJson.object().put("prompt_id", run.promptId), false);

        computeSignatures(run);
        ArrayNode cached = PyJson.array();
        for (String id : names(run.prompt)) if (caches.outputs.get(run.signatures.get(id)) != null) cached.add(id);
        ObjectNode cachedMsg = PyJson.object();
        cachedMsg.set("nodes", cached);
        cachedMsg.put("prompt_id", run.promptId);
        run.addMessage("execution_cached", cachedMsg, false);

        List<String> currentOutputs = names(run.prompt);
        ExecutionList list = new ExecutionList(run.prompt, registry, id -> caches.outputs.get(run.signatures.get(id)) != null);
        for (String o : item.outputs()) list.addNode(o);
        boolean success = true;
        while (!list.isEmpty()) {
            String nodeId = list.stage();
            Failure failure = executeNode(run, nodeId);
            if (failure != null) {
                success = false;
                handleExecutionError(run, failure, currentOutputs);
                break;
            }
            list.complete();
        }
        if (success) run.addMessage("execution_success", PyJson.object().put("prompt_id", run.promptId), false);

        ObjectNode outputs = PyJson.object();
        ObjectNode meta = PyJson.object();
        for (String id : names(run.prompt)) {
            ObjectNode ui = caches.ui.get(run.signatures.get(id));
            if (ui != null) {
                outputs.set(id, ui.get("output"));
                meta.set(id, ui.get("meta"));
            }
        }
        ObjectNode history = PyJson.object();
        history.set("outputs", outputs);
        history.set("meta", meta);
        state.lastNodeId(null);
        return new Outcome(success, history, run.statusMessages);
    }

    private static List<String> names(ObjectNode prompt) {
        List<String> l = new ArrayList<>();
        prompt.fieldNames().forEachRemaining(l::add);
        return l;
    }

    // ---- caching: input signatures (CacheKeySetInputSignature) and IS_CHANGED ----

    private void computeSignatures(Run run) {
        Map<String, String> memo = new HashMap<>();
        Set<String> objectKeys = new HashSet<>();
        for (String id : names(run.prompt)) {
            run.signatures.put(id, signature(run, id, memo, new HashSet<>()));
            objectKeys.add(objectKey(run.prompt, id));
        }
        caches.cleanUnused(new HashSet<>(run.signatures.values()), objectKeys);
    }

    private static String objectKey(ObjectNode prompt, String id) {
        return id + "\u0000" + prompt.path(id).path("class_type").asText();
    }

    private String signature(Run run, String id, Map<String, String> memo, Set<String> visiting) {
        String known = memo.get(id);
        if (known != null) return known;
        JsonNode node = run.prompt.get(id);
        NodeType type = node == null ? null : registry.get(node.path("class_type").asText());
        if (type == null || !visiting.add(id)) return "uncacheable:" + UUID.randomUUID();
        ArrayNode sig = PyJson.array();
        sig.add(type.name());
        sig.add(isChanged(run, (ObjectNode) node, type));
        JsonNode inputs = node.path("inputs");
        List<String> keys = new ArrayList<>();
        inputs.fieldNames().forEachRemaining(keys::add);
        keys.sort(null);
        for (String k : keys) {
            JsonNode v = inputs.get(k);
            ArrayNode pair = sig.addArray().add(k);
            if (ExecutionList.isLink(v)) {
                pair.addArray().add("ANCESTOR").add(signature(run, v.get(0).textValue(), memo, visiting)).add(v.get(1));
            } else {
                pair.add(v);
            }
        }
        visiting.remove(id);
        String s = sha256(PyJson.dumps(sig));
        memo.put(id, s);
        return s;
    }

    private JsonNode isChanged(Run run, ObjectNode node, NodeType type) {
        if (!type.hasIsChanged()) return com.fasterxml.jackson.databind.node.BooleanNode.FALSE;
        if (!node.has("is_changed")) {
            Map<String, JsonNode> constants = new LinkedHashMap<>();
            node.path("inputs").properties().forEach(e -> constants.put(e.getKey(), ExecutionList.isLink(e.getValue()) ? null : e.getValue()));
            try {
                node.set("is_changed", PyJson.array().add(type.isChanged(constants, env)));
            } catch (PyException e) {
                node.set("is_changed", DoubleNode.valueOf(Double.NaN));
            }
        }
        JsonNode v = node.get("is_changed");
        if (containsNaN(v)) return TextNode.valueOf("nan:" + UUID.randomUUID());
        return v;
    }

    private static boolean containsNaN(JsonNode v) {
        if (v.isNumber() && Double.isNaN(v.doubleValue())) return true;
        if (v.isContainerNode()) for (JsonNode c : v) if (containsNaN(c)) return true;
        return false;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- running one node ----

    private record Failure(String nodeId, boolean interrupted, String message, String type, ArrayNode traceback, ObjectNode currentInputs) {
    }

    /** A link to an output that is not there: (None,). */
    private static final List<Object> MISSING = Collections.singletonList(null);

    private Failure executeNode(Run run, String nodeId) {
        ObjectNode node = (ObjectNode) run.prompt.get(nodeId);
        NodeType type = registry.get(node.get("class_type").textValue());
        String sig = run.signatures.get(nodeId);
        if (caches.outputs.get(sig) != null) {
            if (run.clientId != null) {
                ObjectNode ui = caches.ui.get(sig);
                ObjectNode msg = PyJson.object();
                msg.put("node", nodeId);
                msg.put("display_node", nodeId);
                msg.set("output", ui == null ? null : ui.get("output"));
                msg.put("prompt_id", run.promptId);
                hub.send("executed", msg, run.clientId);
            }
            run.progress.finish(nodeId);
            return null;
        }
        Map<String, List<Object>> inputData = null;
        try {
            run.progress.start(nodeId);
            inputData = inputData(run, node, type, nodeId);
            if (run.clientId != null) {
                state.lastNodeId(nodeId);
                ObjectNode msg = PyJson.object();
                msg.put("node", nodeId);
                msg.put("display_node", nodeId);
                msg.put("prompt_id", run.promptId);
                hub.send("executing", msg, run.clientId);
            }
            Map<String, Object> instance = caches.objects.computeIfAbsent(objectKey(run.prompt, nodeId), k -> new HashMap<>());
            List<NodeResult> results = new ArrayList<>();
            for (Map<String, Object> call : ListMapping.calls(type, inputData)) {
                interrupt.throwIfSet();
                if (run.hangPending) {
                    run.hangPending = false;
                    interrupt.blockUntilSet();
                }
                long slow = env.nodeMs(type.name());
                if (slow > 0) interrupt.sleep(slow);
                results.add(type.execute(new Context(run, nodeId, instance), new Inputs(call)));
            }
            ObjectNode ui = ListMapping.ui(results);
            if (ui != null && !ui.isEmpty()) {
                ObjectNode entry = PyJson.object();
                ObjectNode meta = entry.putObject("meta");
                meta.put("node_id", nodeId);
                meta.put("display_node", nodeId);
                meta.putNull("parent_node");
                meta.put("real_node_id", nodeId);
                entry.set("output", ui);
                caches.ui.put(sig, entry);
                if (run.clientId != null) {
                    ObjectNode msg = PyJson.object();
                    msg.put("node", nodeId);
                    msg.put("display_node", nodeId);
                    msg.set("output", ui);
                    msg.put("prompt_id", run.promptId);
                    hub.send("executed", msg, run.clientId);
                }
            }
            caches.outputs.put(sig, ListMapping.outputs(type, results));
        } catch (InterruptFlag.Interrupted e) {
            org.comfyapi.simulator.Log.info("Processing interrupted");
            return new Failure(nodeId, true, null, null, null, null);
        } catch (Exception e) {
            PyException py = e instanceof PyException p ? p : translate(e);
            org.comfyapi.simulator.Log.info("!!! Exception during processing !!! " + py.str());
            ObjectNode formatted = PyJson.object();
            if (inputData != null) inputData.forEach((k, values) -> {
                ArrayNode items = formatted.putArray(k);
                values.forEach(v -> items.add(formatValue(v)));
            });
            return new Failure(nodeId, false, py.str() + "\n", py.type(), Tracebacks.execution(type.pythonModule(), "execute"), formatted);
        }
        run.progress.finish(nodeId);
        run.executed.add(nodeId);
        return null;
    }

    private static PyException translate(Exception e) {
        if (e instanceof java.io.IOException) return new PyException("OSError", String.valueOf(e.getMessage()));
        return new PyException("RuntimeError", e.toString());
    }

    private static JsonNode formatValue(Object v) {
        if (v == null) return NullNode.instance;
        if (v instanceof JsonNode j) return j;
        return TextNode.valueOf(v.toString());
    }

    /** get_input_data: every input as a list of values: a linked output's list, or one widget or hidden value. */
    private Map<String, List<Object>> inputData(Run run, ObjectNode node, NodeType type, String nodeId) {
        ObjectNode classInputs = type.inputTypes(env);
        Map<String, List<Object>> data = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.path("inputs").properties()) {
            GraphValidator.InputInfo info = GraphValidator.inputInfo(classInputs, e.getKey());
            JsonNode v = e.getValue();
            if (ExecutionList.isLink(v)) {
                List<List<Object>> out = caches.outputs.get(run.signatures.get(v.get(0).textValue()));
                int index = v.get(1).asInt();
                data.put(e.getKey(), out == null || index >= out.size() ? MISSING : out.get(index));
            } else if (info != null) {
                data.put(e.getKey(), List.of(v));
            }
        }
        JsonNode hidden = classInputs.get("hidden");
        if (hidden != null) {
            for (Map.Entry<String, JsonNode> h : hidden.properties()) {
                switch (h.getValue().asText()) {
                    case "PROMPT" -> data.put(h.getKey(), List.of(run.prompt));
                    case "EXTRA_PNGINFO" -> data.put(h.getKey(), List.of(run.item.extraData().has("extra_pnginfo")
                            ? run.item.extraData().get("extra_pnginfo") : NullNode.instance));
                    case "UNIQUE_ID" -> data.put(h.getKey(), List.of(TextNode.valueOf(nodeId)));
                    default -> {
                    }
                }
            }
        }
        return data;
    }

    private void handleExecutionError(Run run, Failure f, List<String> currentOutputs) {
        String classType = run.prompt.get(f.nodeId()).get("class_type").asText();
        ObjectNode mes = PyJson.object();
        mes.put("prompt_id", run.promptId);
        mes.put("node_id", f.nodeId());
        mes.put("node_type", classType);
        ArrayNode executed = mes.putArray("executed");
        run.executed.forEach(executed::add);
        if (f.interrupted()) {
            run.addMessage("execution_interrupted", mes, true);
            return;
        }
        mes.put("exception_message", f.message());
        mes.put("exception_type", f.type());
        mes.set("traceback", f.traceback());
        mes.set("current_inputs", f.currentInputs());
        ArrayNode outs = mes.putArray("current_outputs");
        currentOutputs.forEach(outs::add);
        run.addMessage("execution_error", mes, false);
    }

    private final class Context implements ExecContext {
        private final Run run;
        private final String nodeId;
        private final Map<String, Object> instance;

        Context(Run run, String nodeId, Map<String, Object> instance) {
            this.run = run;
            this.nodeId = nodeId;
            this.instance = instance;
        }

        public String promptId() {
            return run.promptId;
        }

        public String nodeId() {
            return nodeId;
        }

        public NodeEnv env() {
            return env;
        }

        public void progress(long value, long max) {
            progress(value, max, null);
        }

        public void progress(long value, long max, java.awt.image.BufferedImage preview) {
            interrupt.throwIfSet();
            run.progress.update(nodeId, value, max);
            boolean withMetadata = hub.supportsPreviewMetadata(run.clientId);
            byte[] jpeg = preview == null ? null : org.comfyapi.simulator.image.Jpeg.encode(preview, 95);
            if (jpeg != null && withMetadata) hub.sendBinary(PreviewFrames.withMetadata(run.promptId, nodeId, jpeg), run.clientId);
            ObjectNode msg = PyJson.object();
            msg.put("value", value);
            msg.put("max", max);
            msg.put("prompt_id", run.promptId);
            msg.put("node", nodeId);
            hub.send("progress", msg, run.clientId);
            if (jpeg != null && !withMetadata) hub.sendBinary(PreviewFrames.legacy(jpeg), run.clientId);
        }

        public void checkInterrupted() {
            interrupt.throwIfSet();
        }

        public void blockUntilInterrupted() {
            interrupt.blockUntilSet();
        }

        public Map<String, Object> instance() {
            return instance;
        }
    }
}
