package org.comfyapi.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** What validation needs of a node class: INPUT_TYPES, RETURN_TYPES, OUTPUT_NODE and VALIDATE_INPUTS. */
public interface NodeSchema {
    String name();

    /** {@code {"required": {...}, "optional": {...}, "hidden": {...}}}. */
    ObjectNode inputTypes();

    List<String> returnTypes();

    boolean outputNode();

    /** Argument names of VALIDATE_INPUTS; empty when the class has none. */
    default List<String> validateInputNames() {
        return List.of();
    }

    /** VALIDATE_INPUTS: null means True, otherwise the returned message. */
    default String validateInputs(Map<String, JsonNode> inputs) {
        return null;
    }
}
