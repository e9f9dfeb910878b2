package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;
import java.util.List;

/** SolidMask: a 1 x height x width mask filled with {@code value}. */
public final class SolidMask extends FixedNode {
    public SolidMask() {
        super("SolidMask", Family.MASK, "MASK");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create()
                .required("value", Spec.floatWidget(1.0, 0.0, 1.0, 0.01))
                .required("width", Spec.pixels(512, 1, 1))
                .required("height", Spec.pixels(512, 1, 1))
                .build();
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
