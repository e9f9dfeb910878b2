package org.comfyapi.simulator.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** ImageSharpen: a negated gaussian (times 10 alpha) whose centre makes the kernel sum 1, reflect-padded, clamped to [0,1]. */
public final class ImageSharpen extends KernelFilter {
    public ImageSharpen() {
        super("ImageSharpen", "Image Sharpen", "sharpen_radius");
    }

    @Override
    public ObjectNode inputTypes(NodeEnv env) {
        return declaration(0.01).required("alpha", Spec.floatWidget(1.0, 0.0, 5.0, 0.01)).build();
    }

    @Override
    float[][] kernel(float[][] gaussian, int radius, Inputs in) {
        float scale = (float) -(in.dbl("alpha") * 10);
        float sum = 0;
        for (float[] row : gaussian) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= scale;
                sum += row[j];
            }
        }
        gaussian[radius][radius] = gaussian[radius][radius] - sum + 1.0f;
        return gaussian;
    }
}
