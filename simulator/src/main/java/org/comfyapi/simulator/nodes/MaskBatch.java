package org.comfyapi.simulator.nodes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** MASK: a batch of float masks in [0,1], row-major (torch [B,H,W]). */
public record MaskBatch(int width, int height, List<float[]> masks) implements PyValue {
    public static MaskBatch zeros(int w, int h, int batch) {
        List<float[]> l = new ArrayList<>();
        for (int i = 0; i < batch; i++) l.add(new float[w * h]);
        return new MaskBatch(w, h, l);
    }

    /** A batch of the same size with {@code op} applied to each mask in order. */
    public MaskBatch map(UnaryOperator<float[]> op) {
        List<float[]> out = new ArrayList<>();
        for (float[] m : masks) out.add(op.apply(m));
        return new MaskBatch(width, height, out);
    }

    @Override
    public String pyTypeName() {
        return "Tensor";
    }

    @Override
    public String toString() {
        return Tensors.str(new int[]{masks.size(), height, width}, idx -> masks.get(idx[0])[idx[1] * width + idx[2]]);
    }
}
