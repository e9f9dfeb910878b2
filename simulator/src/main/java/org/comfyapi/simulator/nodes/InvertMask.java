package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** InvertMask: 1.0 - mask. */
public final class InvertMask extends NodeType {
    @Override
    public String name() {
        return "InvertMask";
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
        return Spec.create().required("mask", Spec.type("MASK")).build();
    }

    @Override
    public List<String> returnTypes() {
        return List.of("MASK");
    }

    @Override
    public NodeResult execute(ExecContext ctx, Inputs in) {
        MaskBatch mask = in.obj("mask", MaskBatch.class, "__rsub__");
        List<float[]> out = new ArrayList<>();
        for (float[] m : mask.masks()) {
            float[] inv = new float[m.length];
            for (int i = 0; i < m.length; i++) inv[i] = 1.0f - m[i];
            out.add(inv);
        }
        return NodeResult.of(new MaskBatch(mask.width(), mask.height(), out));
    }
}
