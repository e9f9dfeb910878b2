package org.comfyapi.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * execution.validate_prompt / validate_inputs of ComfyUI v0.3.64, including its in-place coercion of widget
 * values, against any {@link NodeCatalog}: the simulator's own node classes or a live {@code /object_info}.
 */
public final class GraphValidator {
    /** (valid, error, good_outputs, node_errors). */
    public record Result(boolean ok, ObjectNode error, List<String> goodOutputs, ObjectNode nodeErrors) {
    }

    private record NodeResult(boolean valid, ArrayNode reasons) {
    }

    /** An input's declaration: type (string or combo list), category and options. */
    public record InputInfo(JsonNode type, String category, ObjectNode extra) {
        ArrayNode config() {
            ArrayNode a = PyJson.array();
            a.add(type);
            a.add(extra);
            return a;
        }
    }

    /** Inputs whose value the caller replaces before ComfyUI sees it (e.g. a URL that becomes a file name). */
    public interface Deferred {
        Deferred NONE = (node, input) -> false;

        boolean test(String nodeId, String input);
    }

    private final NodeCatalog catalog;

    public GraphValidator(NodeCatalog catalog) {
        this.catalog = catalog;
    }

    public static InputInfo inputInfo(ObjectNode classInputs, String name) {
        for (String cat : List.of("required", "optional", "hidden")) {
            JsonNode section = classInputs.get(cat);
            if (section != null && section.has(name)) {
                JsonNode spec = section.get(name);
                if (spec.isArray()) {
                    ObjectNode extra = spec.size() > 1 && spec.get(1).isObject() ? (ObjectNode) spec.get(1) : PyJson.object();
                    return new InputInfo(spec.get(0), cat, extra);
                }
                return new InputInfo(spec, cat, PyJson.object());
            }
        }
        return null;
    }

    private static boolean partialContains(JsonNode targets, String id) {
        if (targets == null || targets.isNull()) return true;
        if (targets.isArray()) {
            for (JsonNode t : targets) if (t.isTextual() && t.textValue().equals(id)) return true;
            return false;
        }
        if (targets.isTextual()) return targets.textValue().contains(id);
        if (targets.isObject()) return targets.has(id);
        throw new PyException("TypeError", "argument of type '" + Py.typeName(targets) + "' is not iterable");
    }

    private static ObjectNode error(String type, String message, String details) {
        ObjectNode e = PyJson.object();
        e.put("type", type);
        e.put("message", message);
        e.put("details", details);
        e.set("extra_info", PyJson.object());
        return e;
    }

    public Result validatePrompt(ObjectNode prompt, JsonNode partialTargets) {
        return validatePrompt(prompt, partialTargets, Deferred.NONE);
    }

    /**
     * Checks {@code prompt} (coercing widget values in place) as ComfyUI would; inputs that {@code deferred}
     * names skip the range and choices checks, since ComfyUI will see a different value there.
     */
    public Result validatePrompt(ObjectNode prompt, JsonNode partialTargets, Deferred deferred) {
        Set<String> outputs = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : prompt.properties()) {
            String x = e.getKey();
            JsonNode node = e.getValue();
            if (!node.isObject() && !node.isArray() && !node.isTextual()) {
                throw new PyException("TypeError", "argument of type '" + Py.typeName(node) + "' is not iterable");
            }
            if (!node.isObject() || !node.has("class_type")) {
                return new Result(false, error("invalid_prompt", "Cannot execute because a node is missing the class_type property.",
                        "Node ID '#" + x + "'"), List.of(), PyJson.object());
            }
            JsonNode classType = node.get("class_type");
            if (classType.isContainerNode()) throw new PyException("TypeError", "unhashable type: '" + Py.typeName(classType) + "'");
            NodeSchema type = classType.isTextual() ? catalog.find(classType.textValue()) : null;
            if (type == null) {
                return new Result(false, error("invalid_prompt", "Cannot execute because node " + Py.str(classType) + " does not exist.",
                        "Node ID '#" + x + "'"), List.of(), PyJson.object());
            }
            if (type.outputNode() && partialContains(partialTargets, x)) outputs.add(x);
        }
        if (outputs.isEmpty()) {
            return new Result(false, error("prompt_no_outputs", "Prompt has no outputs", ""), List.of(), PyJson.object());
        }

        List<String> good = new ArrayList<>();
        List<Map.Entry<String, ArrayNode>> errors = new ArrayList<>();
        ObjectNode nodeErrors = PyJson.object();
        Map<String, NodeResult> validated = new LinkedHashMap<>();
        for (String o : outputs) {
            boolean valid;
            ArrayNode reasons;
            try {
                NodeResult m = validateInputs(prompt, o, validated, new HashSet<>(), deferred);
                valid = m.valid();
                reasons = m.reasons();
            } catch (PyException ex) {
                valid = false;
                reasons = PyJson.array();
                ObjectNode r = reasons.addObject();
                r.put("type", "exception_during_validation");
                r.put("message", "Exception when validating node");
                r.put("details", ex.str());
                ObjectNode extra = r.putObject("extra_info");
                extra.put("exception_type", ex.type());
                extra.set("traceback", ValidationTracebacks.validation());
                validated.put(o, new NodeResult(false, reasons));
            }
            if (valid) {
                good.add(o);
                continue;
            }
            errors.add(Map.entry(o, reasons));
            for (Map.Entry<String, NodeResult> v : validated.entrySet()) {
                // Nodes invalid only because of an upstream node carry no reasons and are not reported.
                if (v.getValue().valid() || v.getValue().reasons().isEmpty()) continue;
                String nodeId = v.getKey();
                if (!nodeErrors.has(nodeId)) {
                    ObjectNode ne = nodeErrors.putObject(nodeId);
                    ne.set("errors", v.getValue().reasons());
                    ne.putArray("dependent_outputs");
                    ne.set("class_type", prompt.get(nodeId).get("class_type"));
                }
                ((ArrayNode) nodeErrors.get(nodeId).get("dependent_outputs")).add(o);
            }
        }
        if (good.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, ArrayNode> e : errors) {
                for (JsonNode err : e.getValue()) lines.add(Py.str(err.get("message")) + ": " + Py.str(err.get("details")));
            }
            return new Result(false, error("prompt_outputs_failed_validation", "Prompt outputs failed validation", String.join("\n", lines)),
                    good, nodeErrors);
        }
        return new Result(true, null, good, nodeErrors);
    }

    private static JsonNode lookup(ObjectNode prompt, JsonNode key) {
        if (key.isContainerNode()) throw new PyException("TypeError", "unhashable type: '" + Py.typeName(key) + "'");
        JsonNode n = key.isTextual() ? prompt.get(key.textValue()) : null;
        if (n == null) throw new PyException("KeyError", Py.repr(key));
        return n;
    }

    private static JsonNode item(JsonNode node, String key) {
        if (!node.isObject()) throw new PyException("TypeError", "string indices must be integers, not 'str'");
        JsonNode v = node.get(key);
        if (v == null) throw PyException.keyError(key);
        return v;
    }

    private NodeResult validateInputs(ObjectNode prompt, String uniqueId, Map<String, NodeResult> validated, Set<String> inProgress,
                                      Deferred deferred) {
        NodeResult done = validated.get(uniqueId);
        if (done != null) return done;
        if (!inProgress.add(uniqueId)) throw new PyException("RecursionError", "maximum recursion depth exceeded");
        try {
            JsonNode nodeJson = prompt.get(uniqueId);
            JsonNode inputsJson = item(nodeJson, "inputs");
            if (!inputsJson.isObject()) throw new PyException("TypeError", "argument of type '" + Py.typeName(inputsJson) + "' is not iterable");
            ObjectNode inputs = (ObjectNode) inputsJson;
            NodeSchema type = catalog.find(nodeJson.get("class_type").textValue());
            ObjectNode classInputs = type.inputTypes();
            List<String> validInputs = new ArrayList<>();
            for (String cat : List.of("required", "optional")) {
                JsonNode s = classInputs.get(cat);
                if (s != null) s.fieldNames().forEachRemaining(validInputs::add);
            }
            List<String> validateFunctionInputs = type.validateInputNames();
            ArrayNode errors = PyJson.array();
            boolean valid = true;

            for (String x : validInputs) {
                InputInfo info = inputInfo(classInputs, x);
                if (!inputs.has(x)) {
                    if (info.category().equals("required")) {
                        ObjectNode err = errors.addObject();
                        err.put("type", "required_input_missing");
                        err.put("message", "Required input is missing");
                        err.put("details", x);
                        err.putObject("extra_info").put("input_name", x);
                    }
                    continue;
                }
                JsonNode val = inputs.get(x);
                if (val.isArray()) {
                    if (val.size() != 2) {
                        ObjectNode err = errors.addObject();
                        err.put("type", "bad_linked_input");
                        err.put("message", "Bad linked input, must be a length-2 list of [node_id, slot_index]");
                        err.put("details", x);
                        ObjectNode ei = err.putObject("extra_info");
                        ei.put("input_name", x);
                        ei.set("input_config", info.config());
                        ei.set("received_value", val);
                        continue;
                    }
                    JsonNode oIdJson = val.get(0);
                    JsonNode oNode = lookup(prompt, oIdJson);
                    JsonNode oClass = item(oNode, "class_type");
                    NodeSchema oType = oClass.isTextual() ? catalog.find(oClass.textValue()) : null;
                    if (oType == null) throw new PyException("KeyError", Py.repr(oClass));
                    String receivedType = returnType(oType.returnTypes(), val.get(1));
                    if (!validateNodeInput(receivedType, info.type())) {
                        ObjectNode err = errors.addObject();
                        err.put("type", "return_type_mismatch");
                        err.put("message", "Return type mismatch between linked nodes");
                        err.put("details", x + ", received_type(" + receivedType + ") mismatch input_type(" + Py.str(info.type()) + ")");
                        ObjectNode ei = err.putObject("extra_info");
                        ei.put("input_name", x);
                        ei.set("input_config", info.config());
                        ei.put("received_type", receivedType);
                        ei.set("linked_node", val);
                        continue;
                    }
                    String oId = oIdJson.textValue();
                    try {
                        NodeResult r = validateInputs(prompt, oId, validated, inProgress, deferred);
                        if (!r.valid()) valid = false;
                    } catch (PyException ex) {
                        valid = false;
                        ArrayNode reasons = PyJson.array();
                        ObjectNode r = reasons.addObject();
                        r.put("type", "exception_during_inner_validation");
                        r.put("message", "Exception when validating inner node");
                        r.put("details", ex.str());
                        ObjectNode ei = r.putObject("extra_info");
                        ei.put("input_name", x);
                        ei.set("input_config", info.config());
                        ei.put("exception_message", ex.str());
                        ei.put("exception_type", ex.type());
                        ei.set("traceback", ValidationTracebacks.innerValidation());
                        ei.set("linked_node", val);
                        validated.put(oId, new NodeResult(false, reasons));
                    }
                    continue;
                }
                String typeName = info.type().isTextual() ? info.type().textValue() : null;
                try {
                    if (val.isObject() && val.has("__value__")) {
                        val = val.get("__value__");
                        inputs.set(x, val);
                    }
                    if ("INT".equals(typeName)) val = Py.toInt(val);
                    else if ("FLOAT".equals(typeName)) val = Py.toFloat(val);
                    else if ("STRING".equals(typeName)) val = Py.toStr(val);
                    else if ("BOOLEAN".equals(typeName)) val = Py.toBool(val);
                    inputs.set(x, val);
                } catch (PyException ex) {
                    ObjectNode err = errors.addObject();
                    err.put("type", "invalid_input_type");
                    err.put("message", "Failed to convert an input value to a " + Py.str(info.type()) + " value");
                    err.put("details", x + ", " + Py.str(val) + ", " + ex.str());
                    ObjectNode ei = err.putObject("extra_info");
                    ei.put("input_name", x);
                    ei.set("input_config", info.config());
                    ei.set("received_value", val);
                    ei.put("exception_message", ex.str());
                    continue;
                }
                if (validateFunctionInputs.contains(x) || deferred.test(uniqueId, x)) continue;
                JsonNode min = info.extra().get("min");
                if (min != null && lessThan(val, min)) {
                    bound(errors, "value_smaller_than_min", "Value " + Py.str(val) + " smaller than min of " + Py.str(min), x, info, val);
                    continue;
                }
                JsonNode max = info.extra().get("max");
                if (max != null && lessThan(max, val)) {
                    bound(errors, "value_bigger_than_max", "Value " + Py.str(val) + " bigger than max of " + Py.str(max), x, info, val);
                    continue;
                }
                if (info.type().isArray() || "COMBO".equals(typeName)) {
                    JsonNode options = choices(info);
                    boolean found = false;
                    for (JsonNode opt : options) if (Py.equal(opt, val)) found = true;
                    if (!found) {
                        JsonNode inputConfig = info.config();
                        String listInfo;
                        if (options.size() > 20) {
                            listInfo = "(list of length " + options.size() + ")";
                            inputConfig = null;
                        } else {
                            listInfo = Py.str(options);
                        }
                        ObjectNode err = errors.addObject();
                        err.put("type", "value_not_in_list");
                        err.put("message", "Value not in list");
                        err.put("details", x + ": '" + Py.str(val) + "' not in " + listInfo);
                        ObjectNode ei = err.putObject("extra_info");
                        ei.put("input_name", x);
                        ei.set("input_config", inputConfig);
                        ei.set("received_value", val);
                    }
                }
            }

            // A deferred value is not what VALIDATE_INPUTS will be given: ComfyUI runs it on the real one.
            boolean deferredArgument = validateFunctionInputs.stream().anyMatch(arg -> deferred.test(uniqueId, arg));
            if (!validateFunctionInputs.isEmpty() && !deferredArgument) {
                Map<String, JsonNode> filtered = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : inputs.properties()) {
                    InputInfo info = inputInfo(classInputs, e.getKey());
                    if (info == null || !validateFunctionInputs.contains(e.getKey())) continue;
                    filtered.put(e.getKey(), isLink(e.getValue()) ? null : e.getValue());
                }
                for (String arg : validateFunctionInputs) {
                    if (!arg.equals("s") && !filtered.containsKey(arg)) {
                        throw new PyException("TypeError", type.name() + ".VALIDATE_INPUTS() missing 1 required positional argument: '" + arg + "'");
                    }
                }
                String ret = type.validateInputs(filtered);
                if (ret != null) {
                    for (String x : filtered.keySet()) {
                        ObjectNode err = errors.addObject();
                        err.put("type", "custom_validation_failed");
                        err.put("message", "Custom validation failed for node");
                        err.put("details", x + " - " + ret);
                        err.putObject("extra_info").put("input_name", x);
                    }
                }
            }

            NodeResult result = (!errors.isEmpty() || !valid) ? new NodeResult(false, errors) : new NodeResult(true, PyJson.array());
            validated.put(uniqueId, result);
            return result;
        } finally {
            inProgress.remove(uniqueId);
        }
    }

    /** A combo's choices: the list that is its type, or the {@code options} of a {@code "COMBO"} declaration. */
    public static JsonNode choices(InputInfo info) {
        if (info.type().isArray()) return info.type();
        JsonNode options = info.extra().get("options");
        return options != null && options.isArray() ? options : PyJson.array();
    }

    private static void bound(ArrayNode errors, String type, String message, String x, InputInfo info, JsonNode val) {
        ObjectNode err = errors.addObject();
        err.put("type", type);
        err.put("message", message);
        err.put("details", x);
        ObjectNode ei = err.putObject("extra_info");
        ei.put("input_name", x);
        ei.set("input_config", info.config());
        ei.set("received_value", val);
    }

    private static boolean lessThan(JsonNode a, JsonNode b) {
        Integer c = Py.compareNumbers(a, b);
        if (c == null) {
            if ((a.isNumber() || a.isBoolean()) && (b.isNumber() || b.isBoolean())) return false; // NaN
            throw new PyException("TypeError", "'<' not supported between instances of '" + Py.typeName(a) + "' and '" + Py.typeName(b) + "'");
        }
        return c < 0;
    }

    private static String returnType(List<String> types, JsonNode index) {
        if (!index.isIntegralNumber() && !index.isBoolean()) {
            throw new PyException("TypeError", "tuple indices must be integers or slices, not " + Py.typeName(index));
        }
        long i = index.isBoolean() ? (index.booleanValue() ? 1 : 0) : index.asLong();
        if (i < 0) i += types.size();
        if (i < 0 || i >= types.size()) throw new PyException("IndexError", "tuple index out of range");
        return types.get((int) i);
    }

    /** A {@code [node_id, slot]} link, as execution.py recognises one. */
    public static boolean isLink(JsonNode v) {
        return v != null && v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isNumber();
    }

    /** comfy_execution.validation.validate_node_input. */
    static boolean validateNodeInput(String received, JsonNode inputType) {
        if (inputType.isTextual() && received.equals(inputType.textValue())) return true;
        if (!inputType.isTextual()) return false;
        Set<String> r = splitTypes(received);
        Set<String> in = splitTypes(inputType.textValue());
        if (r.contains("*") || in.contains("*")) return true;
        r.retainAll(in);
        return !r.isEmpty();
    }

    private static Set<String> splitTypes(String t) {
        Set<String> s = new HashSet<>();
        for (String p : t.split(",", -1)) s.add(p.strip());
        return s;
    }
}
