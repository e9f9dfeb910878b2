package org.comfyapi.simulator.nodes;

import java.util.Locale;

/** torch's str(tensor) with summarization (edgeitems=3, precision=4), enough for error reports. */
final class Tensors {
    private Tensors() {
    }

    interface Values {
        double at(int[] index);
    }

    static String str(int[] shape, Values values) {
        long numel = 1;
        for (int s : shape) numel *= s;
        boolean summarize = numel > 1000;
        StringBuilder sb = new StringBuilder("tensor(");
        format(sb, shape, values, new int[shape.length], 0, summarize, "tensor(".length() + 1);
        return sb.append(")").toString();
    }

    private static void format(StringBuilder sb, int[] shape, Values v, int[] idx, int dim, boolean summarize, int indent) {
        if (dim == shape.length) {
            sb.append(String.format(Locale.ROOT, "%.4f", v.at(idx)));
            return;
        }
        sb.append('[');
        int n = shape[dim];
        boolean cut = summarize && n > 6;
        boolean first = true;
        for (int i = 0; i < n; i++) {
            if (cut && i == 3) {
                sb.append(dim == shape.length - 1 ? ", ..." : ",\n" + " ".repeat(indent + dim) + "...");
                i = n - 4;
                continue;
            }
            if (!first) sb.append(dim == shape.length - 1 ? ", " : ",\n" + "\n".repeat(Math.max(0, shape.length - dim - 2)) + " ".repeat(indent + dim));
            first = false;
            idx[dim] = i;
            format(sb, shape, v, idx, dim + 1, summarize, indent);
        }
        sb.append(']');
    }
}
