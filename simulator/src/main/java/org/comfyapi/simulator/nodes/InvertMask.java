package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** InvertMask: 1.0 - mask. */
public final class InvertMask extends FixedNode {
    public InvertMask() {
        super("InvertMask", Family.MASK, "MASK");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return Spec.create().required("mask", Spec.type("MASK")).build();
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        return NodeResult.of(in.obj("mask", MaskBatch.class, "__rsub__").map(m -> {
            float[] inv = new float[m.length];
            for (int i = 0; i < m.length; i++) inv[i] = 1.0f - m[i];
            return inv;
        }));
    }
}
