package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;

/** SolidMask: a 1 x height x width mask filled with {@code value}. */
public final class SolidMask extends NodeType {
    @Override
    public String name() {
        return "SolidMask";
    }

    @Override
    public String category() {
        return "mask";
    }

    @Override
    public String pythonModule() {
        return "comfy_extras.nodes_mask";
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("value", Spec.type("FLOAT", Spec.floatOpts(1.0, 0.0, 1.0, 0.01)))
                .required("width", Spec.type("INT", Spec.intOpts(512, 1, ImageScale.MAX_RESOLUTION).put("step", 1)))
                .required("height", Spec.type("INT", Spec.intOpts(512, 1, ImageScale.MAX_RESOLUTION).put("step", 1)))
                .build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("MASK");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        int w = (int) in.integer("width");
        int h = (int) in.integer("height");
        float[] m = new float[w * h];
        Arrays.fill(m, (float) in.dbl("value"));
        return NodeResult.of(new MaskBatch(w, h, List.of(m)));
    }
}
