package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/** A node class: its schema (as INPUT_TYPES/RETURN_TYPES/...) and its function. */
public abstract class NodeType {
    public abstract String name();

    public String displayName() {
        return name();
    }

    public String description() {
        return "";
    }

    public abstract String category();

    public String pythonModule() {
        return "nodes";
    }

    public boolean outputNode() {
        return false;
    }

    /** A V3-schema (comfy_api io.ComfyNode) class, which /object_info serialises with every boolean key present. */
    public boolean v3Schema() {
        return false;
    }

    /** OUTPUT_TOOLTIPS, or null when the class has none. */
    public List<String> outputTooltips() {
        return null;
    }

    public abstract ObjectNode inputTypes(NodeEnv env);

    public abstract List<String> returnTypes();

    /** INPUT_IS_LIST: the function is called once with every input as a whole list (see {@link Inputs#list}). */
    public boolean inputIsList() {
        return false;
    }

    /** OUTPUT_IS_LIST: slots whose value is a list of items, concatenated over mapped calls. */
    public List<Boolean> outputIsList() {
        return returnTypes().stream().map(t -> false).toList();
    }

    /** RETURN_NAMES, or null to reuse RETURN_TYPES. */
    public List<String> returnNames() {
        return null;
    }

    /** Argument names of VALIDATE_INPUTS; empty when the class has none. */
    public List<String> validateInputNames() {
        return List.of();
    }

    /** VALIDATE_INPUTS: null means True, otherwise the returned message. */
    public String validateInputs(Map<String, JsonNode> inputs, NodeEnv env) {
        return null;
    }

    public boolean hasIsChanged() {
        return false;
    }

    /** IS_CHANGED with the node's constant inputs. */
    public JsonNode isChanged(Map<String, JsonNode> inputs, NodeEnv env) {
        return null;
    }

    /** The node function; {@code in} holds widget values (JsonNode), linked values and hidden inputs. */
    public abstract NodeResult execute(ExecContext ctx, Inputs in) throws Exception;
}
