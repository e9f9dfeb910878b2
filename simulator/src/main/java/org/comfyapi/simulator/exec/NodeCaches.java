package org.comfyapi.simulator.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The classic CacheSet: outputs and UI keyed by input signature, node objects keyed by (id, class).
 * Each prompt drops every entry whose key it does not use.
 */
final class NodeCaches {
    final Map<String, List<List<Object>>> outputs = new HashMap<>();
    final Map<String, ObjectNode> ui = new HashMap<>();
    final Map<String, Map<String, Object>> objects = new HashMap<>();

    void cleanUnused(Set<String> signatures, Set<String> objectKeys) {
        outputs.keySet().retainAll(signatures);
        ui.keySet().retainAll(signatures);
        objects.keySet().retainAll(objectKeys);
    }
}
