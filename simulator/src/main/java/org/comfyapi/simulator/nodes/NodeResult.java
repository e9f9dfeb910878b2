package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A node's outputs (one value per RETURN_TYPES slot) and its optional UI dict. */
public record NodeResult(List<Object> outputs, ObjectNode ui) {
    public static NodeResult of(Object... outputs) {
        return new NodeResult(List.of(outputs), null);
    }

    public static NodeResult ui(ObjectNode ui) {
        return new NodeResult(List.of(), ui);
    }
}
