package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.PyException;
import org.comfyapi.graph.py.PyJson;
import org.comfyapi.simulator.nodes.NodeResult;
import org.comfyapi.simulator.nodes.NodeType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * execution._map_node_over_list and merge_result_data. Every input arrives as a list; a node without
 * INPUT_IS_LIST is called once per index of the longest list, shorter lists repeating their last item.
 */
final class ListMapping {
    private ListMapping() {
    }

    /** The keyword arguments of each call, in order. */
    static List<Map<String, Object>> calls(NodeType type, Map<String, List<Object>> inputs) {
        if (type.inputIsList()) return List.of(new LinkedHashMap<>(inputs));
        int longest = inputs.values().stream().mapToInt(List::size).max().orElse(0);
        if (longest == 0) return List.of(Map.of());
        List<Map<String, Object>> calls = new ArrayList<>();
        for (int i = 0; i < longest; i++) {
            Map<String, Object> call = new LinkedHashMap<>();
            for (Map.Entry<String, List<Object>> e : inputs.entrySet()) {
                List<Object> values = e.getValue();
                if (values.isEmpty()) throw new PyException("IndexError", "list index out of range");
                call.put(e.getKey(), values.get(Math.min(i, values.size() - 1)));
            }
            calls.add(call);
        }
        return calls;
    }

    /** One list per output slot: the calls' values side by side, or concatenated where OUTPUT_IS_LIST. */
    static List<List<Object>> outputs(NodeType type, List<NodeResult> results) {
        List<List<Object>> merged = new ArrayList<>();
        List<Boolean> isList = type.outputIsList();
        int slots = results.getFirst().outputs().size();
        for (int slot = 0; slot < slots; slot++) {
            boolean concatenate = slot < isList.size() && isList.get(slot);
            List<Object> values = new ArrayList<>();
            for (NodeResult r : results) {
                Object value = r.outputs().get(slot);
                if (concatenate) values.addAll((List<?>) value);
                else values.add(value);
            }
            merged.add(values);
        }
        return merged;
    }

    /** The UI dicts of the calls that returned one, merged key by key (the first dict's keys). */
    static ObjectNode ui(List<NodeResult> results) {
        List<ObjectNode> uis = results.stream().map(NodeResult::ui).filter(u -> u != null).toList();
        if (uis.isEmpty()) return null;
        if (uis.size() == 1) return uis.getFirst();
        ObjectNode merged = PyJson.object();
        uis.getFirst().fieldNames().forEachRemaining(key -> {
            ArrayNode all = merged.putArray(key);
            for (ObjectNode ui : uis) {
                JsonNode items = ui.get(key);
                if (items == null) throw new PyException("KeyError", "'" + key + "'");
                items.forEach(all::add);
            }
        });
        return merged;
    }
}
