package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.comfyapi.graph.py.Py;
import org.comfyapi.graph.py.PyJson;

/** PreviewAny: an output node whose UI is {"text": [str(value)]}; strings as-is, numbers via str(), others json.dumps or str(). */
public final class PreviewAny extends FixedNode {
    public PreviewAny() {
        super("PreviewAny", "Preview Any", new Family("utils", "comfy_extras.nodes_preview_any"));
    }

    @Override
    public boolean outputNode() {
        return true;
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("source", Spec.type("*", Spec.opts())).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        ObjectNode ui = PyJson.object();
        ui.putArray("text").add(text(in.raw("source")));
        return NodeResult.ui(ui);
    }

    static String text(Object source) {
        if (source == null) return "None";
        if (source instanceof JsonNode j) {
            if (j.isNull()) return "None";
            if (j.isTextual()) return j.textValue();
            if (j.isNumber() || j.isBoolean()) return Py.str(j);
            return PyJson.dumps(j);
        }
        return source.toString();
    }
}
